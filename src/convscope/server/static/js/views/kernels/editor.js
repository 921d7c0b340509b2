// The kernel panel: the catalogue and its sizes, and the weights as a typed grid that is also a small
// painter (with "Paint" on, a press or a drag sets cells to the brush's value). Editing any weight
// makes the kernel "custom"; rows and columns go from 1 to 15 each.

import { part as partOf } from "../../components/part.js";
import { showError } from "../../components/error.js";

/** @typedef {import("./state.js").KernelsState} KernelsState */
/** @typedef {import("../../types-kernels.js").KernelInfoRecord} KernelInfoRecord */

/** @param {KernelInfoRecord[]} catalogue @param {string} name @param {number} size */
export function catalogueWeights(catalogue, name, size) {
  const info = catalogue.find((k) => k.name === name);
  const i = info ? info.sizes.indexOf(size) : -1;
  return info && i >= 0 ? info.weights[i] : null;
}

/** @param {HTMLSelectElement} select @param {[string, string][]} options @param {string} value */
function fill(select, options, value) {
  const html = options.map(([v, label]) => `<option value="${v}">${label}</option>`).join("");
  if (select.dataset.options !== html) { select.innerHTML = html; select.dataset.options = html; }
  // Only when it changes: setting a select's value, even to the one it has, re-selects the option
  // (4 ms of a weight edit's input handler in a chromium trace, measured under load).
  if (select.value !== value) select.value = value;
}

/** @param {number} v */
const shown = (v) => String(Math.round(v * 1e6) / 1e6);

/**
 * @param {HTMLElement} root  the kernel panel
 * @param {{onChange: (patch: Partial<KernelsState>) => void}} hooks
 */
export function mountEditor(root, { onChange }) {
  const part = (/** @type {string} */ name) => partOf(root, name);
  const grid = part("grid");
  const kernel = /** @type {HTMLSelectElement} */ (part("kernel"));
  const size = /** @type {HTMLSelectElement} */ (part("size"));
  const rows = /** @type {HTMLSelectElement} */ (part("rows"));
  const cols = /** @type {HTMLSelectElement} */ (part("cols"));
  const paint = /** @type {HTMLInputElement} */ (part("paint"));
  const brush = /** @type {HTMLInputElement} */ (part("brush"));
  /** @type {number[][]} */
  let current = [[1]];
  let painting = false;

  /** The grid's values; null (and the cell named beside the grid) when one is not a number. */
  function read() {
    const inputs = /** @type {HTMLInputElement[]} */ ([...grid.querySelectorAll("input")]);
    const bad = inputs.find((input) => input.value.trim() === "" || !Number.isFinite(Number(input.value)));
    if (bad) {
      showError(part("kernel-error"), `Weight in row ${Number(bad.dataset.r) + 1}, column ${Number(bad.dataset.c) + 1}: enter a number (e.g. -1, 0.25).`);
      return null;
    }
    showError(part("kernel-error"), null);
    return current.map((row, r) => row.map((_, c) => Number(inputs[r * row.length + c].value)));
  }

  function edited() {
    const weights = read();
    if (weights) { current = weights; onChange({ kernel: "custom", weights }); }
  }

  /** Build the cells when the shape changes; otherwise only refresh the values not being typed in. */
  function drawGrid(/** @type {number[][]} */ weights) {
    const [h, w] = [weights.length, weights[0].length];
    if (grid.dataset.shape !== `${h}x${w}`) {
      grid.dataset.shape = `${h}x${w}`;
      grid.style.setProperty("--cols", String(w));
      grid.innerHTML = weights.map((row, r) => row.map((v, c) => `<input type="text" inputmode="decimal"
        data-r="${r}" data-c="${c}" data-testid="w-${r}-${c}" aria-label="weight row ${r + 1}, column ${c + 1}"
        value="${shown(v)}">`).join("")).join("");
    } else {
      grid.querySelectorAll("input").forEach((input, i) => {
        const v = weights[Math.floor(i / w)][i % w];
        if (input !== document.activeElement && Number(input.value) !== v) input.value = shown(v);
      });
    }
    current = weights;
  }

  /** @param {EventTarget | null} target */
  function paintCell(target) {
    if (!(target instanceof HTMLInputElement) || !Number.isFinite(Number(brush.value))) return;
    target.value = brush.value;
    edited();
  }

  grid.addEventListener("input", edited);
  grid.addEventListener("pointerdown", (event) => {
    if (!paint.checked) return;
    event.preventDefault();
    painting = true;
    paintCell(event.target);
  });
  grid.addEventListener("pointerover", (event) => { if (painting && paint.checked) paintCell(event.target); });
  const stop = () => { painting = false; };
  window.addEventListener("pointerup", stop);
  kernel.addEventListener("change", () => {
    if (kernel.value !== "custom") onChange({ kernel: kernel.value, weights: null });
  });
  size.addEventListener("change", () => onChange({ size: Number(size.value) }));
  part("normalise").addEventListener("change", (e) => onChange({ normalise: /** @type {HTMLInputElement} */ (e.target).checked }));
  for (const select of [rows, cols]) {
    select.addEventListener("change", () => {
      const [h, w] = [Number(rows.value), Number(cols.value)];
      const weights = Array.from({ length: h }, (_, r) => Array.from({ length: w }, (_, c) => current[r]?.[c] ?? 0));
      onChange({ kernel: "custom", weights });
    });
  }

  return {
    /** @param {KernelsState} state @param {KernelInfoRecord[]} catalogue */
    update(state, catalogue) {
      fill(kernel, [...catalogue.map((k) => /** @type {[string, string]} */ ([k.name, k.label])), ["custom", "Custom weights"]],
        state.weights ? "custom" : state.kernel);
      const info = catalogue.find((k) => k.name === state.kernel);
      size.disabled = Boolean(state.weights) || !info;
      fill(size, (info?.sizes ?? [state.size]).map((s) => [String(s), `${s}×${s}`]), String(state.size));
      part("kernel-note").textContent = state.weights ? "Your own weights: type in the grid or paint it." : info?.description ?? "";
      const weights = state.weights ?? catalogueWeights(catalogue, state.kernel, state.size) ?? current;
      drawGrid(weights);
      if (rows.value !== String(weights.length)) rows.value = String(weights.length);
      if (cols.value !== String(weights[0].length)) cols.value = String(weights[0].length);
      /** @type {HTMLInputElement} */ (part("normalise")).checked = state.normalise;
    },
    /** @param {unknown} err */
    showError: (err) => showError(part("kernel-error"), err),
    destroy: () => window.removeEventListener("pointerup", stop),
  };
}
