// Image kernels: a kernel on a whole photo, in colour. The server computes every picture (raw RGBA
// bytes both ways, so a weight edit redraws while the user types) and every number of the inspector;
// this module wires the picture, kernel and settings panels to the result, the composition and the
// inspector. A refused setting is shown beside its control and the last good picture stays.

import { SERVER_FAILED, errorMessage, showError } from "../../components/error.js";
import { mountExport } from "../../components/export.js";
import { createLatest } from "../../components/latest.js";
import { part as partOf, renderRoot } from "../../components/part.js";
import { mountEditor } from "./editor.js";
import { mountInspector } from "./inspector.js";
import { download, drawLegend, drawPicture, drawRgb, drawWindow, label } from "./picture.js";
import { mountSettings } from "./settings.js";
import { mountSource } from "./source.js";
import { kernelQuery, kernelsFromParams, kernelsToParams } from "./state.js";
import { KERNELS_HTML } from "./template.js";

/** @typedef {import("./state.js").KernelsState} KernelsState */
/** @typedef {import("../../types-kernels.js").Picture} Picture */
/** @typedef {import("../../types-kernels.js").KernelResult} KernelResult */
/** @typedef {{picture: Picture, state: KernelsState}} Ask */

/** @type {import("../../view.js").View<KernelsState>} */
export const view = {
  route: "kernels",
  title: "Image kernels",
  stateFromUrl: kernelsFromParams,
  stateToUrl: kernelsToParams,
  mount,
};

const COMPOSED = /** @type {const} */ (["twice", "once", "difference"]);
// An edit reaches the URL once typing pauses this long: history.replaceState in the input handler took
// 5-12 ms in headless chromium (measured under load), and the edit's request waited for it.
const URL_PAUSE_MS = 200;

/**
 * @param {HTMLElement} el
 * @param {import("../../view.js").ViewContext<KernelsState>} ctx
 * @returns {() => void} unmount
 */
function mount(el, { api, state: initial, onState }) {
  const root = renderRoot(el, KERNELS_HTML);
  const part = (/** @type {string} */ name) => partOf(root, name);
  let state = initial;
  /** @type {Picture | null} */
  let picture = null;
  /** @type {import("../../types-kernels.js").KernelInfoRecord[]} */
  let catalogue = [];
  let bundled = true;  // the picture is the bundled photo `state.photo` (else an upload or a snapshot)
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let urlTimer;
  /** @type {Map<string, ImageData>} each canvas's ImageData, filled again by the next answer */
  const images = new Map();
  let legendShown = "";  // the scale record the legend shows, as JSON: redrawn only when it changes

  const editor = mountEditor(root.querySelector(".ik-kernel") ?? root, { onChange: apply });
  const settings = mountSettings(root.querySelector(".ik-settings") ?? root, { onChange: apply });
  const source = mountSource(root.querySelector(".ik-source") ?? root, {
    api,
    onPicture(next, _label, photo) {
      picture = next;
      bundled = Boolean(photo);
      if (photo) state = { ...state, photo };
      drawPicture(/** @type {HTMLCanvasElement} */ (part("input")), next);
      part("size-note").textContent = `${next.width}×${next.height}`;
      const pixel = state.pixel;
      state = { ...state, pixel: pixel && pixel[0] < next.width && pixel[1] < next.height ? pixel : null };
      if (!state.pixel) inspector.clear();
      drawWindow(/** @type {HTMLCanvasElement} */ (part("overlay")), next, state.pixel ? inspector.window() : null);
      refresh();
      onState(state);
    },
  });
  const inspector = mountInspector(root, {
    onPixel: (pixel) => { state = { ...state, pixel }; inspect(); onState(state); },
    current: () => state.pixel,
  });

  /** @param {string} kind @returns {(request: Ask) => Promise<{bytes: ArrayBuffer, record: KernelResult}>} */
  const sender = (kind) => ({ picture: shown, state: asked }) =>
    api.applyKernel(shown, kernelQuery(kind === "result" ? asked : { ...asked, display: kind === "difference" ? "signed" : asked.display }, kind === "result" ? asked.view : kind));
  // No merging delay: one request at a time already keeps only the newest edit waiting, and the
  // server answers a kept picture in milliseconds, so waiting 16 ms first would only add latency.
  const result = createLatest(sender("result"), {
    onResult: ({ bytes, record }) => draw("result", bytes, record),
    onError: failed,
    onBusy: (busy) => { root.dataset.busy = String(busy); },
    delay: 0,
  });
  const composed = COMPOSED.map((kind) => createLatest(sender(kind), {
    onResult: ({ bytes, record }) => draw(kind, bytes, record), onError: failed, delay: 0,
  }));
  const inspecting = createLatest(({ picture: shown, state: asked }) =>
    api.inspectPixel(shown, kernelQuery(asked), ...(/** @type {[number, number]} */ (asked.pixel))), {
    onResult: (record) => { inspector.show(record); drawWindow(/** @type {HTMLCanvasElement} */ (part("overlay")), picture, inspector.window()); },
    onError: failed,
  });

  /** @param {Partial<KernelsState>} patch */
  function apply(patch) {
    state = { ...state, ...patch };
    if (patch.kernel && patch.kernel !== "custom") {
      const info = catalogue.find((k) => k.name === patch.kernel);
      if (info && !info.sizes.includes(state.size)) state.size = info.sizes.includes(3) ? 3 : info.sizes[0];
    }
    if (patch.second) {
      const info = catalogue.find((k) => k.name === patch.second);
      if (info && !info.sizes.includes(state.secondSize)) state.secondSize = info.sizes.includes(3) ? 3 : info.sizes[0];
    }
    editor.update(state, catalogue);
    settings.update(state, catalogue);
    refresh();
    clearTimeout(urlTimer);
    urlTimer = setTimeout(() => onState(state), URL_PAUSE_MS);
  }

  function refresh() {
    if (!picture) return;
    const ask = { picture, state };
    result.ask(ask);
    part("compose").hidden = !state.second;
    if (state.second) composed.forEach((latest) => latest.ask(ask));
    if (state.pixel) inspect();
  }

  function inspect() {
    if (picture && state.pixel) inspecting.ask({ picture, state });
  }

  /** The picture first, in the task its bytes arrived in; then the words around it. @param {string} kind @param {ArrayBuffer} bytes @param {KernelResult} record */
  function draw(kind, bytes, record) {
    images.set(kind, drawRgb(/** @type {HTMLCanvasElement} */ (part(kind)), bytes, record.width, record.height, images.get(kind)));
    showError(part("error"), null);
    editor.showError(null);
    if (kind === "difference") {
      const largest = Math.max(-record.minimum, record.maximum);
      part("difference-caption").textContent = `difference: largest ${largest < 1e-6 ? "0 (equal up to rounding)" : label(largest)}`;
    }
    if (kind !== "result") return;
    const scale = JSON.stringify(record.scale);
    if (scale !== legendShown) drawLegend(/** @type {HTMLCanvasElement} */ (part("legend")), part("legend-text"), record.scale);
    legendShown = scale;
    part("notes").textContent = [`values ${label(record.minimum)} … ${label(record.maximum)}`, ...record.notes].join("; ");
    part("result-caption").textContent = { result: "result", magnitude: "edge magnitude", border: "border difference" }[record.view] ?? record.view;
  }

  /** A refusal about the kernel goes beside the kernel; anything else beside the result. @param {Error} err */
  function failed(err) {
    const message = errorMessage(err);
    if (/^\d+: (weights|kernel|second|normalise)/.test(message)) editor.showError(err);
    else showError(part("error"), err, SERVER_FAILED);
  }

  // The figure and the scripts: the picture travels as the raw bytes .../apply takes, not as JSON.
  const unexport = mountExport(part("export"), {
    api, view: "kernels", kinds: ["png", "numpy", "torch"],
    request: () => (picture ? { ...kernelQuery(state), photo: state.photo } : null),
    send: (kind, query) => api.exportKernels(/** @type {Picture} */ (picture), /** @type {Record<string, string>} */ (query),
      /** @type {"png" | "numpy" | "torch" | "npy"} */ (kind)),
    needsInput: () => !bundled,
  });

  part("download").addEventListener("click", async () => {
    if (!picture) return;
    try {
      const { body } = await api.applyKernelPng(picture, kernelQuery(state));
      download(body, `convscope-${state.weights ? "custom" : state.kernel}-${state.view}.png`);
    } catch (err) {
      showError(part("error"), err, SERVER_FAILED);
    }
  });

  async function start() {
    const [kernels, photos] = await Promise.allSettled([api.imageKernels(), api.photos()]);
    if (kernels.status === "fulfilled") catalogue = kernels.value;
    else showError(part("error"), errorMessage(kernels.reason), SERVER_FAILED);
    if (!catalogue.some((k) => k.name === state.kernel) && !state.weights) state = { ...state, kernel: "sharpen", size: 3 };
    editor.update(state, catalogue);
    settings.update(state, catalogue);
    if (photos.status === "fulfilled") source.start(photos.value, state.photo);
    else showError(part("source-error"), errorMessage(photos.reason), SERVER_FAILED);
  }

  start();
  return () => {
    [result, ...composed, inspecting].forEach((latest) => latest.cancel());
    clearTimeout(urlTimer);  // the next view owns the URL now
    unexport();
    source.destroy();
    editor.destroy();
    el.replaceChildren();
  };
}
