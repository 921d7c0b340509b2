// The transposed convolution read three ways, with the same numbers: (a) Mᵀ times the input, (b) each
// input painting a scaled copy of the kernel (the player paints them one at a time), (c) zeros inserted
// between the inputs and the flipped kernel slid over them. Then the overlap counts: a checkerboard when
// the kernel size is not a multiple of the stride.

import { SERVER_FAILED, showError } from "../../components/error.js";
import { createLatest } from "../../components/latest.js";
import { part } from "../../components/part.js";
import { createPlayer } from "../../components/player.js";
import { createSliders } from "../../components/sliders.js";
import { outputScale } from "../../draw/colors.js";
import { drawCells, gridTable } from "./cells.js";
import { transposedProblem } from "./checks.js";

/** @typedef {import("./state.js").MatrixState} MatrixState */
/** @typedef {import("../../types-matrix.js").TransposedLesson} TransposedLesson */

const plain = (/** @type {number} */ v) => String(v);
/** @type {import("../../components/sliders.js").SliderSpec[]} */
const SLIDERS = [
  { key: "tIn", label: "Input side", range: [2, 4], format: plain, hint: "x is this many cells square, values 1, 2, 3, …" },
  { key: "tK", label: "Kernel size", range: [1, 4], format: plain, hint: "Weights 1, 2, 3, … so the flip in (c) shows." },
  { key: "tStride", label: "Stride", range: [1, 3], format: plain, hint: "Steps between painted copies; stride − 1 zeros inserted in (c)." },
  { key: "tPad", label: "Padding", range: [0, 3], format: plain, hint: "Cells cropped from each side of the painted output." },
  { key: "tOut", label: "Output padding", range: [0, 2], format: plain, hint: "Extra cells bottom and right; must be below the stride or the dilation." },
  { key: "tDil", label: "Dilation", range: [1, 2], format: plain, hint: "Gaps between the kernel's taps." },
];

/**
 * @param {HTMLElement} root  the section
 * @param {{api: import("../../api.js").Api, state: () => MatrixState, patch: (p: Partial<MatrixState>) => void}} ctx
 */
export function createTransposedSection(root, { api, state, patch }) {
  /** @type {TransposedLesson | null} */
  let lesson = null;
  const error = part(root, "t-error");
  const sliders = createSliders(part(root, "t-sliders"), SLIDERS, { idPrefix: "tr", onChange: (p) => patch(p) });
  const player = createPlayer(part(root, "t-transport"), part(root, "t-speed"), {
    speed: () => state().speed,
    onSpeed: (level) => patch({ speed: level }),
    count: () => (lesson ? lesson.paint_cells.length : null),
    onStep: () => drawPaint(),
  }, "tr");
  const latest = createLatest(api.transposed, {
    onResult: (result) => {
      const fresh = !lesson || lesson.paint_cells.length !== result.paint_cells.length;
      lesson = result;
      showError(error, null);
      drawAll();
      player.show(fresh ? result.paint_cells.length : Math.min(player.step(), result.paint_cells.length));
    },
    onError: (err) => showError(error, err, SERVER_FAILED),
    onBusy: (busy) => { root.dataset.busy = String(busy); },
  });

  function drawAll() {
    if (!lesson) return;
    const { input, kernel, output_size: o } = lesson;
    const n = input.length;
    part(root, "t-formula").textContent = `H_out = (H − 1)·stride − 2·padding + dilation·(k − 1) + output_padding + 1 = ${lesson.formula}`;
    part(root, "t-checker").textContent = lesson.checkerboard
      ? `Kernel ${kernel.length} is not a multiple of stride ${lesson.stride}: inner cells receive different numbers of taps (the checkerboard).`
      : `Kernel ${kernel.length} with stride ${lesson.stride}: away from the edges every cell receives the same number of taps.`;
    part(root, "t-checker").dataset.checkerboard = String(lesson.checkerboard);
    const shape = `${o}×${o}`;
    for (const name of ["t-out-shape-a", "t-out-shape-b", "t-out-shape-c", "t-out-shape-o"]) part(root, name).textContent = shape;
    part(root, "t-in-shape").textContent = `${n}×${n}`;
    part(root, "t-input").innerHTML = gridTable(input, `input x, ${n} by ${n}`);
    part(root, "t-kernel").innerHTML = gridTable(kernel, "kernel");
    part(root, "t-flipped").innerHTML = gridTable(lesson.flipped_kernel, "kernel turned 180 degrees");
    part(root, "t-out-a").innerHTML = gridTable(lesson.by_matrix, "output by reading (a)");
    part(root, "t-out-c").innerHTML = gridTable(lesson.by_zero_insertion, "output by reading (c)");
    const z = lesson.zero_inserted;
    const isInput = zeroInsertedInputs(lesson);
    part(root, "t-zero").innerHTML = gridTable(z, "zero-inserted grid", (r, c) => (isInput(r, c) ? "is-input" : "is-inserted"));
    part(root, "t-agree").textContent = `All three readings give the same ${shape} output as conv_transpose2d (largest difference ${lesson.max_difference.toExponential(1)}).`;
    drawMatrixT(root, lesson);
    const overlap = lesson.overlap;
    part(root, "t-overlap").innerHTML = gridTable(overlap, "overlap counts", (r, c) => `is-count-${Math.min(4, overlap[r][c])}`);
    drawPaint();
  }

  function drawPaint() {
    if (!lesson) return;
    const step = player.step();
    const frame = lesson.scatter_frames[Math.min(step, lesson.scatter_frames.length - 1)];
    const painting = step > 0 ? step - 1 : -1;  // the input painted last
    const cells = new Set((lesson.paint_cells[painting] ?? []).map(([r, c]) => `${r},${c}`));
    const n = lesson.input.length;
    part(root, "t-paint-in").innerHTML = gridTable(lesson.input, "input x: the value painting now is outlined",
      (r, c) => (r * n + c === painting ? "is-lit" : r * n + c < painting ? "is-done" : ""));
    part(root, "t-out-b").innerHTML = gridTable(frame, "output by reading (b), painted so far", (r, c) => (cells.has(`${r},${c}`) ? "is-lit" : ""));
    part(root, "t-out-b").dataset.step = String(step);
    const value = painting >= 0 ? lesson.input[Math.floor(painting / n)][painting % n] : null;
    part(root, "t-paint-note").textContent = value === null
      ? "Nothing painted yet: press play, or step."
      : `Input (${Math.floor(painting / n)}, ${painting % n}) = ${value} paints ${value} × kernel onto ${cells.size} output cells; overlaps add.`;
  }

  /** The request for the settings on show (what the page asks for, and what an export draws). */
  const request = () => {
    const s = state();
    return { input_size: s.tIn, kernel_size: s.tK, stride: s.tStride, padding: s.tPad, output_padding: s.tOut, dilation: s.tDil };
  };

  return {
    update() {
      sliders.update(state());
      const problem = transposedProblem(state());
      // An answer still on its way is for settings no longer on show: it must not clear this message.
      if (problem) { latest.drop(); return showError(error, problem); }
      latest.ask(request());
    },
    request,
    draw: drawAll,
    destroy() { player.pause(); latest.cancel(); },
  };
}

/** Which cells of the zero-inserted grid hold an input value (the rest are inserted or padding zeros). @param {TransposedLesson} t */
function zeroInsertedInputs(t) {
  const before = t.dilation * (t.kernel.length - 1) - t.padding;  // zeros added (or cut, if negative) before the first input
  return (/** @type {number} */ r, /** @type {number} */ c) => {
    const [i, j] = [r - before, c - before];
    return i >= 0 && j >= 0 && i % t.stride === 0 && j % t.stride === 0 && i / t.stride < t.input.length && j / t.stride < t.input.length;
  };
}

/** Mᵀ as coloured cells: column h*W + w is what input (h, w) paints. @param {HTMLElement} root @param {TransposedLesson} t */
function drawMatrixT(root, t) {
  const m = t.matrix;
  const scale = outputScale([0, Math.max(...m.flat(), 1)], false);
  const cell = Math.max(4, Math.min(16, Math.floor(Math.min(240 / m[0].length, 420 / m.length))));
  drawCells(/** @type {HTMLCanvasElement} */ (part(root, "t-matrix")), m.length, m[0].length, {
    cell, fill: (r, c) => (m[r][c] ? scale.color(m[r][c]) : null),
  });
  part(root, "t-m-shape").textContent = `${m.length}×${m[0].length}`;
}
