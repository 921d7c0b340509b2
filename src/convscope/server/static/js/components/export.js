// "Take it out of the app": download the view as a 2x PNG figure, a GIF or APNG animation (drawn by
// the server from the same lesson), or copy a script that reproduces it with NumPy or PyTorch. Any view
// mounts it with one line: mountExport(part("export"), {api, view: "playground", request: () => ...}).
// `view` may be a function when the page's current request goes to one of two routes (the Signals
// page's shapes or ball-drop slide); an animation's note (subsampled or not) is shown once it is saved.

import { showError } from "./error.js";

/** @typedef {import("../types.js").ExportKind} ExportKind */
/** @typedef {Record<string, unknown>} ExportRequest  the view's own request (ConvolveRequest, NetworkInput, ...) */

const FILES = /** @type {const} */ ([["png", "PNG (2x)"], ["gif", "GIF"], ["apng", "APNG"]]);
const CODE = /** @type {const} */ ([["numpy", "NumPy"], ["torch", "PyTorch"]]);

const HTML = `
<h2>Export</h2>
<div class="export-row" role="group" aria-label="download a picture">
  ${FILES.map(([kind, label]) => `<button type="button" data-export="${kind}">${label}</button>`).join("")}
  <label class="export-frames">frames <input type="number" data-export-frames min="2" max="300" value="120"></label>
  <label class="export-frames">fps <input type="number" data-export-fps min="1" max="50" value="10"></label>
</div>
<div class="export-row" role="group" aria-label="copy code">
  ${CODE.map(([kind, label]) => `<button type="button" data-export="${kind}">Copy code (${label})</button>`).join("")}
  <button type="button" data-export="npy" hidden>Input (.npy)</button>
</div>
<p class="hint" data-export-status role="status" aria-live="polite"></p>
<p class="error" data-export-error role="alert" hidden></p>
<textarea class="export-code" data-export-code readonly hidden rows="12" aria-label="code to copy"></textarea>`;

/**
 * Mount the export panel in `el`.
 * @param {HTMLElement} el  an empty element of the view's own markup
 * @param {{api: import("../api.js").Api, view: string | (() => string), request: () => ExportRequest | null,
 *   kinds?: ExportKind[], title?: string, fps?: number,
 *   send?: (kind: ExportKind, request: ExportRequest) => Promise<{blob: Blob, filename: string, note: string | null}>,
 *   needsInput?: () => boolean, note?: () => string}} options
 *   `request` gives the view's current request (null while it has none); `kinds` what the view offers
 *   (default: all; the routes under /api/export/<view>/ must answer each); `title` the panel's heading;
 *   `fps` the animation's starting speed (default 10: a few frames, as a painting has, want fewer);
 *   `send` asks for one file where the view's routes take something else than its JSON request
 *   (default: api.exportFile); `needsInput` whether its script loads an input saved beside it (default:
 *   the request has an image); `note` anything else the copied script needs, said after "Copied"
 * @returns {() => void} unmount
 */
export function mountExport(el, { api, view, request, kinds = ["png", "gif", "apng", "numpy", "torch"], title, fps, send, needsInput, note }) {
  el.innerHTML = HTML;
  if (title) /** @type {HTMLElement} */ (el.querySelector("h2")).textContent = title;
  if (fps) /** @type {HTMLInputElement} */ (el.querySelector("[data-export-fps]")).value = String(fps);
  const route = () => (typeof view === "function" ? view() : view);
  const animated = kinds.includes("gif") || kinds.includes("apng");
  for (const button of el.querySelectorAll("[data-export]")) {
    const kind = /** @type {ExportKind} */ (/** @type {HTMLElement} */ (button).dataset.export);
    if (!kinds.includes(kind) && kind !== "npy") button.remove();
  }
  for (const field of el.querySelectorAll(".export-frames")) if (!animated) field.remove();
  el.classList.add("export");
  const find = (/** @type {string} */ selector) => /** @type {HTMLElement} */ (el.querySelector(selector));
  const status = find("[data-export-status]");
  const error = find("[data-export-error]");
  const codeBox = /** @type {HTMLTextAreaElement} */ (find("[data-export-code]"));
  const npy = find('[data-export="npy"]');
  let alive = true;

  /** @param {ExportKind} kind */
  async function run(kind) {
    const current = request();
    if (!current) return;
    const number = (/** @type {string} */ name, /** @type {number} */ fallback) => {
      const value = Number(/** @type {HTMLInputElement} */ (find(`[data-export-${name}]`)).value);
      return Number.isFinite(value) && value > 0 ? value : fallback;
    };
    status.textContent = kind === "numpy" || kind === "torch" ? "Writing the code…" : "Drawing…";
    showError(error, null);
    try {
      // Only an animation takes fps and frames (the routes' requests refuse fields they do not know).
      const body = kind === "gif" || kind === "apng" ? { ...current, fps: number("fps", 10), frames: number("frames", 120) } : current;
      const { blob, filename, note: saved } = await (send ? send(kind, body) : api.exportFile(route(), kind, body));
      if (!alive) return;
      if (kind === "numpy" || kind === "torch") await copy(await blob.text(), kind);
      else save(blob, filename, saved ?? null);
    } catch (err) {
      if (!alive) return;
      status.textContent = "";
      showError(error, err, "Could not export: ");
    }
  }

  /** Copy to the clipboard; where that is refused, show the code selected so Ctrl+C copies it. */
  async function copy(/** @type {string} */ code, /** @type {string} */ kind) {
    codeBox.value = code;
    codeBox.dataset.framework = kind;
    const more = savedInput() ? " It loads your image: download Input (.npy) beside it." : note?.() ?? "";
    try {
      await navigator.clipboard.writeText(code);
      codeBox.hidden = true;
      status.textContent = `Copied the ${kind === "torch" ? "PyTorch" : "NumPy"} code.${more}`;
    } catch {
      codeBox.hidden = false;
      codeBox.select();
      status.textContent = `The browser did not allow copying: the code is below, selected.${more}`;
    }
  }

  /** @param {Blob} blob @param {string} filename @param {string | null} [note] */
  function save(blob, filename, note = null) {
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = filename;
    el.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    status.textContent = `Saved ${filename} (${Math.round(blob.size / 1024)} KB).${note ? ` ${note[0].toUpperCase()}${note.slice(1)}.` : ""}`;
  }

  /** @param {Event} event */
  function onClick(event) {
    const button = /** @type {HTMLElement} */ (event.target).closest("[data-export]");
    if (button instanceof HTMLButtonElement) run(/** @type {ExportKind} */ (button.dataset.export));
  }
  el.addEventListener("click", onClick);
  // The .npy button shows only when the view's input is your own image (a digit loads itself); checked
  // whenever a pointer or the keyboard comes to the panel, so it is right before anyone can press it.
  const scripts = kinds.includes("numpy") || kinds.includes("torch");
  if (!scripts) npy.remove();
  const savedInput = needsInput ?? (() => Boolean(request()?.image));
  const showNpy = () => { npy.hidden = !savedInput(); };
  el.addEventListener("pointerenter", showNpy);
  el.addEventListener("focusin", showNpy);
  return () => {
    alive = false;
    el.removeEventListener("click", onClick);
    el.removeEventListener("pointerenter", showNpy);
    el.removeEventListener("focusin", showNpy);
    el.replaceChildren();
  };
}
