// "Matrix & FFT": three views of one convolution. The matrix M whose rows share a few weights; the FFT
// (multiply the spectra, invert; without zero padding the result wraps round) with a timing chart
// measured on the server; and the transposed convolution read three ways with the same numbers.

import { part, renderRoot } from "../../components/part.js";
import { mountExport } from "../../components/export.js";
import { createStage } from "../../components/stage.js";
import { showError } from "../../components/error.js";
import { createFftSection } from "./fft-section.js";
import { createMatrixSection } from "./matrix-section.js";
import { matrixFromParams, matrixToParams } from "./state.js";
import { MATRIX_HTML } from "./template.js";
import { drawTiming, timingSummary } from "./timing-chart.js";
import { createTransposedSection } from "./transposed-section.js";

/** @typedef {import("./state.js").MatrixState} MatrixState */

/** @type {import("../../view.js").View<MatrixState>} */
export const view = {
  route: "matrix",
  title: "Matrix & FFT",
  stateFromUrl: matrixFromParams,
  stateToUrl: matrixToParams,
  mount,
};

/**
 * @param {HTMLElement} el
 * @param {import("../../view.js").ViewContext<MatrixState>} ctx
 * @returns {() => void} unmount
 */
function mount(el, { api, state: initial, onState }) {
  const root = renderRoot(el, MATRIX_HTML);
  let state = { ...initial };
  let closed = false;
  /** @type {import("../../types-matrix.js").TimingLesson | null} */
  let timing = null;

  /** @param {Partial<MatrixState>} changes */
  function patch(changes) {
    const dimsChanged = changes.dims !== undefined && changes.dims !== state.dims;
    const next = { ...state, ...changes };
    if (dimsChanged) Object.assign(next, next.dims === 2 ? { size: Math.min(next.size, 6), k: Math.min(next.k, 3) } : { size: 8 });
    const touched = Object.keys(changes);
    state = next;
    onState(state);
    if (dimsChanged || touched.some((k) => ["size", "k", "stride", "padding", "dilation", "digit"].includes(k))) matrix.update(dimsChanged);
    if (touched.some((k) => ["signal", "kernel", "zeroPad"].includes(k))) fft.update();
    if (touched.includes("phase")) fft.draw();
    if (touched.some((k) => k.startsWith("t"))) transposed.update();
  }

  const ctx = { api, state: () => state, patch };
  const matrix = createMatrixSection(part(root, "matrix-section"), ctx);
  const fft = createFftSection(part(root, "fft-section"), ctx);
  const transposed = createTransposedSection(part(root, "t-section"), ctx);
  // The page's animation is the transposed convolution's painting: the export draws it, and its figure and code.
  const unexport = mountExport(part(root, "t-export"), { api, view: "matrix", request: transposed.request,
    title: "Export the transposed convolution", fps: 2 });
  // The matrix M and the FFT are still pictures: their figure and code, no animation.
  const unexportM = mountExport(part(root, "m-export"), { api, view: "matrix-m", request: matrix.request,
    kinds: ["png", "numpy", "torch"], title: "Export the matrix M" });
  const unexportFft = mountExport(part(root, "fft-export"), { api, view: "fft", request: fft.request,
    kinds: ["png", "numpy", "torch"], title: "Export the FFT view" });
  part(root, "dims-1").addEventListener("click", () => patch({ dims: 1 }));
  part(root, "dims-2").addEventListener("click", () => patch({ dims: 2 }));

  function drawTimingChart() {
    if (!timing) return;
    const canvas = /** @type {HTMLCanvasElement} */ (part(root, "timing"));
    drawTiming(canvas, timing, Math.max(260, Math.min(760, part(root, "timing-wrap").clientWidth)));
    part(root, "timing-summary").textContent = timingSummary(timing);
  }

  const stage = createStage(root, () => { matrix.draw(); fft.draw(); drawTimingChart(); transposed.draw(); });
  matrix.update(true);
  fft.update();
  transposed.update();
  // The first request for the timing runs a sweep of several seconds on the server: ask only once the
  // chart is on screen, so a visit that never scrolls there costs the server nothing.
  const seen = new IntersectionObserver((entries) => {
    if (!entries.some((e) => e.isIntersecting)) return;
    seen.disconnect();
    part(root, "timing-status").textContent = "Timing direct against FFT convolution for n = 2^4 … 2^20 on the server (a few seconds, once per server)…";
    api.fftTiming().then(
      (result) => {
        if (closed) return;
        timing = result;
        part(root, "timing-status").textContent = `Measured on the server: k = ${result.kernel_size}, ${result.sizes.length} lengths.`;
        drawTimingChart();
      },
      (err) => { if (!closed) showError(part(root, "timing-error"), err, "The timing could not be measured: "); },
    );
  });
  seen.observe(part(root, "timing-wrap"));

  return () => {
    closed = true;
    seen.disconnect();
    stage.destroy();
    matrix.destroy();
    fft.destroy();
    transposed.destroy();
    unexport();
    unexportM();
    unexportFft();
  };
}
