// The matrix M of a convolution: the input (its padding hatched), the kernel with each weight in its own
// colour, the output, and M drawn with the same colours so its repeated diagonals show. Hover a row of M
// (or an output cell): its window lights up on the input. Hover an input pixel: its column of M, and the
// outputs that read it.

import { SERVER_FAILED, showError } from "../../components/error.js";
import { createLatest } from "../../components/latest.js";
import { part } from "../../components/part.js";
import { createSliders } from "../../components/sliders.js";
import { COLORS } from "../../config.js";
import { css, formatValue, greys, outputScale } from "../../draw/colors.js";
import { hatchCell } from "../../draw/grid.js";
import { WEIGHT_COLORS, cellUnder, drawCells } from "./cells.js";
import { matrixProblem } from "./checks.js";

/** @typedef {import("./state.js").MatrixState} MatrixState */
/** @typedef {import("../../types-matrix.js").MatrixLesson} MatrixLesson */
/** @typedef {{kind: "row" | "col", index: number} | null} Hover */

/** @param {1 | 2} dims @returns {import("../../components/sliders.js").SliderSpec[]} */
function sliderSpecs(dims) {
  const plain = (/** @type {number} */ v) => String(v);
  /** @type {import("../../components/sliders.js").SliderSpec[]} */
  const digit = dims === 2 ? [{ key: "digit", label: "Digit", range: [0, 9], format: plain, hint: "Which MNIST digit to crop." }] : [];
  return [...digit,
    { key: "size", label: dims === 1 ? "Signal length n" : "Crop side", range: dims === 1 ? [4, 16] : [4, 8], format: plain,
      hint: dims === 1 ? "Samples in the signal." : "A square of a real MNIST digit where a stroke meets the paper." },
    { key: "k", label: "Kernel size", range: dims === 1 ? [1, 7] : [1, 4], format: plain, hint: "Taps along each axis." },
    { key: "stride", label: "Stride", range: [1, 3], format: plain, hint: "Each row of M shifts this many columns." },
    { key: "padding", label: "Padding", range: [0, 3], format: plain, hint: "Zeros around the input: they add rows, never columns." },
    { key: "dilation", label: "Dilation", range: [1, 3], format: plain, hint: "Gaps between taps: gaps between a row's entries." },
  ];
}

/**
 * @param {HTMLElement} root  the section
 * @param {{api: import("../../api.js").Api, state: () => MatrixState, patch: (p: Partial<MatrixState>) => void}} ctx
 */
export function createMatrixSection(root, { api, state, patch }) {
  /** @type {MatrixLesson | null} */
  let lesson = null;
  /** @type {Hover} */
  let hover = null;
  let sliders = makeSliders(state().dims);
  const latest = createLatest(api.convolutionMatrix, {
    onResult: (result) => { lesson = result; showError(part(root, "matrix-error"), null); draw(); },
    onError: (err) => showError(part(root, "matrix-error"), err, SERVER_FAILED),
    onBusy: (busy) => { root.dataset.busy = String(busy); },
  });

  /** @param {1 | 2} dims */
  function makeSliders(dims) {
    const el = part(root, "matrix-sliders");
    el.replaceChildren();
    return createSliders(el, sliderSpecs(dims), { idPrefix: "mx", onChange: (p) => patch(p) });
  }

  /** The request for the settings on show (what the page asks for, and what an export draws); null while they do not fit. */
  function request() {
    const s = state();
    if (matrixProblem(s)) return null;
    return { dims: s.dims, size: s.size, kernel_size: s.k, stride: s.stride, padding: s.padding, dilation: s.dilation, digit: s.digit };
  }

  function ask() {
    const problem = matrixProblem(state());
    // An answer still on its way is for settings no longer on show: it must not clear this message.
    if (problem) { latest.drop(); return showError(part(root, "matrix-error"), problem); }
    latest.ask(/** @type {NonNullable<ReturnType<typeof request>>} */ (request()));
  }

  function draw() {
    if (!lesson) return;
    const width = Math.max(200, part(root, "matrix-wrap").clientWidth);
    drawMatrix(root, lesson, hover, width);
    const { distinct_weights: k, nonzero_entries: used, dense_weights: dense, matrix } = lesson;
    part(root, "counts").innerHTML = `M is ${matrix.length} × ${matrix[0].length}: <strong>${k}</strong> distinct
      weights fill its ${used} non-zero entries. A dense layer between the same shapes would need
      <strong>${dense.toLocaleString("en")}</strong> weights, ${formatValue(dense / k)}× as many.`;
    part(root, "source").textContent = lesson.source;
  }

  /** @param {Hover} next */
  function setHover(next) {
    if (next?.kind === hover?.kind && next?.index === hover?.index) return;
    hover = next;
    draw();
  }

  const matrixCanvas = /** @type {HTMLCanvasElement} */ (part(root, "matrix"));
  const inputCanvas = /** @type {HTMLCanvasElement} */ (part(root, "input"));
  const outputCanvas = /** @type {HTMLCanvasElement} */ (part(root, "output"));
  /** @param {MouseEvent} e */
  const onMatrix = (e) => { const cell = cellUnder(matrixCanvas, e); setHover(cell && { kind: "row", index: cell[0] }); };
  /** @param {MouseEvent} e */
  const onOutput = (e) => {
    const cell = cellUnder(outputCanvas, e);
    setHover(cell && lesson && { kind: "row", index: cell[0] * lesson.output[0].length + cell[1] });
  };
  /** @param {MouseEvent} e */
  const onInput = (e) => {
    const cell = cellUnder(inputCanvas, e);
    if (!cell || !lesson) return setHover(null);
    const p = lesson.dims === 2 ? lesson.padding : 0;  // 1-D pads along its one axis only
    const [r, c] = [cell[0] - p, cell[1] - lesson.padding];
    const [h, w] = [lesson.input.length, lesson.input[0].length];
    setHover(r >= 0 && r < h && c >= 0 && c < w ? { kind: "col", index: r * w + c } : null);
  };
  const leave = () => setHover(null);
  for (const [canvas, move] of /** @type {const} */ ([[matrixCanvas, onMatrix], [outputCanvas, onOutput], [inputCanvas, onInput]])) {
    canvas.addEventListener("mousemove", move);
    canvas.addEventListener("mouseleave", leave);
  }

  return {
    /** The state changed: redraw the controls and ask for the new matrix. @param {boolean} dimsChanged */
    update(dimsChanged) {
      if (dimsChanged) sliders = makeSliders(state().dims);
      sliders.update(state());
      for (const d of [1, 2]) part(root, `dims-${d}`).setAttribute("aria-pressed", String(state().dims === d));
      ask();
    },
    request,
    draw,
    destroy: () => latest.cancel(),
  };
}

/**
 * Draw input, kernel, output and M for one lesson and hover.
 * @param {HTMLElement} root @param {MatrixLesson} lesson @param {Hover} hover @param {number} width
 */
function drawMatrix(root, lesson, hover, width) {
  const { input, kernel, output, matrix, weight_index: index, stride, dilation } = lesson;
  const [h, w, kh, kw, oh, ow] = [input.length, input[0].length, kernel.length, kernel[0].length, output.length, output[0].length];
  const [pr, pc] = [lesson.dims === 2 ? lesson.padding : 0, lesson.padding];
  // Which rows (outputs) and columns (pixels) the hover lights.
  const rows = hover?.kind === "row" ? [hover.index]
    : hover?.kind === "col" ? matrix.map((_, r) => r).filter((r) => index[r][hover.index] >= 0) : [];
  const cols = hover?.kind === "col" ? [hover.index] : hover?.kind === "row" ? index[hover.index].flatMap((v, c) => (v >= 0 ? [c] : [])) : [];
  const mCell = Math.max(3, Math.min(34, Math.floor(width / matrix[0].length)));
  const m = /** @type {HTMLCanvasElement} */ (part(root, "matrix"));
  drawCells(m, matrix.length, matrix[0].length, {
    cell: mCell, fill: (r, c) => (index[r][c] >= 0 ? WEIGHT_COLORS[index[r][c] % 16] : null),
    text: (r, c) => (index[r][c] >= 0 ? formatValue(matrix[r][c]) : null),
    over: (ctx) => {
      ctx.strokeStyle = COLORS.hover;
      ctx.lineWidth = 2;
      for (const r of hover?.kind === "row" ? rows : []) ctx.strokeRect(1, r * mCell + 1, matrix[0].length * mCell - 1, mCell - 1);
      for (const c of cols.length && hover?.kind === "col" ? cols : []) ctx.strokeRect(c * mCell + 1, 1, mCell - 1, matrix.length * mCell - 1);
    },
  });
  m.dataset.hoverRow = hover?.kind === "row" ? String(hover.index) : "";
  m.dataset.hoverCol = hover?.kind === "col" ? String(hover.index) : "";
  const side = Math.max(12, Math.min(40, Math.floor(Math.min(width, 420) / (w + 2 * pc))));
  const scale = outputScale([Math.min(...input.flat()), Math.max(...input.flat())], lesson.dims === 1);
  const weightAt = new Map(cols.map((c) => [c, hover?.kind === "row" ? index[hover.index][c] : -1]));
  const inputCanvas = /** @type {HTMLCanvasElement} */ (part(root, "input"));
  drawCells(inputCanvas, h + 2 * pr, w + 2 * pc, {
    cell: side,
    fill: (r, c) => {
      const [i, j] = [r - pr, c - pc];
      if (i < 0 || i >= h || j < 0 || j >= w) return COLORS.padding;
      const weight = weightAt.get(i * w + j);
      return weight !== undefined && weight >= 0 ? WEIGHT_COLORS[weight % 16] : lesson.dims === 2 ? css(greys(input[i][j])) : scale.color(input[i][j]);
    },
    text: (r, c) => (r < pr || r >= h + pr || c < pc || c >= w + pc ? null : formatValue(input[r - pr][c - pc])),
    lit: cols.map((c) => /** @type {[number, number]} */ ([Math.floor(c / w) + pr, (c % w) + pc])),
    over: (ctx) => {
      for (let r = 0; r < h + 2 * pr; r += 1) for (let c = 0; c < w + 2 * pc; c += 1) {
        if (r < pr || r >= h + pr || c < pc || c >= w + pc) hatchCell(ctx, r, c, side, COLORS.paddingHatch);
      }
      if (hover?.kind !== "row") return;
      const [or, oc] = [Math.floor(hover.index / ow), hover.index % ow];  // the window's top-left, padded coordinates
      ctx.strokeStyle = COLORS.window;
      ctx.lineWidth = 3;
      ctx.strokeRect(oc * stride * side + 1.5, or * stride * side + 1.5, (dilation * (kw - 1) + 1) * side - 2, (dilation * (kh - 1) + 1) * side - 2);
    },
  });
  inputCanvas.dataset.lit = cols.join(",");
  drawCells(/** @type {HTMLCanvasElement} */ (part(root, "kernel")), kh, kw, {
    cell: 40, fill: (r, c) => WEIGHT_COLORS[(r * kw + c) % 16], text: (r, c) => formatValue(kernel[r][c]),
  });
  const outScale = outputScale([Math.min(...output.flat()), Math.max(...output.flat())], true);
  const outputCanvas = /** @type {HTMLCanvasElement} */ (part(root, "output"));
  drawCells(outputCanvas, oh, ow, {
    cell: Math.max(16, Math.min(40, Math.floor(Math.min(width, 360) / ow))), fill: (r, c) => outScale.color(output[r][c]),
    text: (r, c) => formatValue(output[r][c]), lit: rows.map((r) => /** @type {[number, number]} */ ([Math.floor(r / ow), r % ow])),
  });
  outputCanvas.dataset.lit = rows.join(",");
  for (const [name, shape] of [["input-shape", `${h}×${w}`], ["output-shape", `${oh}×${ow}`], ["m-shape", `${matrix.length}×${matrix[0].length}`]]) {
    part(root, name).textContent = shape;
  }
}
