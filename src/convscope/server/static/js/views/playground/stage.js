// The playground's stage: the padded input and the output side by side, linked by hover.
// Pointing at (or focusing and arrowing through) an output cell lights its window on the input;
// pointing at an input pixel lights every output cell it feeds. Values for tests sit in a hidden table.

import { moveCell } from "../../components/grid-keys.js";
import { part as partOf } from "../../components/part.js";
import { createStage } from "../../components/stage.js";
import { INPUT_STOPS, outputScale } from "../../draw/colors.js";
import { drawInput, drawOutput } from "../../draw/convolution.js";
import { boundingBox, cellAt } from "../../draw/grid.js";
import { SIZES } from "../../config.js";
import { renderColorBar, renderSwatches } from "../../draw/legend.js";
import { cellsReading, windowStep } from "./trace.js";

/** @typedef {import("../../draw/grid.js").Cell} Cell */
/** @typedef {{kind: "input" | "output", cell: Cell}} Hover */
/** @typedef {import("../../types.js").PlaygroundLesson} PlaygroundLesson */

/** @param {Cell[]} cells */
const cellList = (cells) => cells.map((cell) => cell.join(",")).join(" ");

/**
 * The room a grid has: its panel's width, and on a wide screen the height left below its top, so the
 * whole grid is on screen at once (a stacked phone layout scrolls instead: no height limit there).
 * @param {HTMLElement} wrap
 */
function room(wrap) {
  const below = window.innerHeight - (wrap.getBoundingClientRect().top + window.scrollY) - 12;
  return below >= 160 ? Math.min(wrap.clientWidth, below) : wrap.clientWidth;
}

/** Cells may grow larger in presenter mode: a 5×5 textbook grid should fill the projector, not sit small. */
const presenting = () => document.documentElement.classList.contains("presenter");

/**
 * @param {HTMLElement} root  the playground element holding the stage's parts (found by data-part)
 * @param {{onHover: (step: number | null) => void}} hooks  the pointer (or the keyboard probe) is on
 *   output cell `step - 1` (1-based like the player's steps), or on none
 * @returns {{render: (result: PlaygroundLesson, step: number) => void, destroy: () => void}}
 */
export function createConvolutionStage(root, { onHover }) {
  const part = (/** @type {string} */ name) => partOf(root, name);
  const inputWrap = part("input-wrap");
  const outputWrap = part("output-wrap");
  const inputCanvas = /** @type {HTMLCanvasElement} */ (inputWrap.querySelector("canvas"));
  const outputCanvas = /** @type {HTMLCanvasElement} */ (outputWrap.querySelector("canvas"));
  const table = /** @type {HTMLTableElement} */ (part("output-values"));
  /** @type {{result: PlaygroundLesson, step: number} | null} */
  let shown = null;
  /** @type {Hover | null} */
  let hover = null;
  const cells = { input: 1, output: 1 };
  /** @type {number | null} */
  let hoveredStep = null;

  function paint() {
    if (!shown) return;
    const { result, step } = shown;
    const output = /** @type {number[][]} */ (result.output);
    const outCols = output[0]?.length ?? 0;
    const current = step > 0 ? windowStep(result, step - 1) : null;
    const hoveredOut = hover?.kind === "output" ? hover.cell : null;
    const pixel = hover?.kind === "input" ? hover.cell : null;
    const hoveredIndex = hoveredOut ? hoveredOut[0] * outCols + hoveredOut[1] : null;
    const hoveredWindow = hoveredIndex !== null ? windowStep(result, hoveredIndex) : null;
    const shownWindow = hoveredIndex !== null ? hoveredWindow : current;
    const nextHover = hoveredIndex !== null && hoveredWindow ? hoveredIndex + 1 : null;
    if (nextHover !== hoveredStep) {
      hoveredStep = nextHover;
      onHover(hoveredStep);
    }
    const lit = pixel ? cellsReading(result, pixel) : [];
    const axes = result.explanation.axes;
    cells.input = drawInput(inputCanvas, {
      padded: result.padded, padding: result.explanation.padding[0], inputSize: /** @type {[number, number]} */ (result.explanation.input_size),
      dropped: [axes[0].dropped ?? [], axes[1].dropped ?? []], window: shownWindow?.positions ?? null,
      hovering: Boolean(hoveredOut), pixel, maxWidth: room(inputWrap),
      maxCell: presenting() ? 2 * SIZES.inputCell : SIZES.inputCell,
    });
    // Without an output (the kernel fits nowhere) an empty bordered canvas would show as a stray dot.
    outputWrap.hidden = output.length === 0;
    part("output-legend").hidden = output.length === 0;
    const range = /** @type {[number, number]} */ (result.output_range ?? [0, 1]);
    const scale = outputScale(range, result.diverging);
    cells.output = drawOutput(outputCanvas, {
      output, computed: step, scale, current: current?.out ?? null, hovered: hoveredOut, lit,
      maxWidth: room(outputWrap), maxCell: presenting() ? 2 * SIZES.outputCell : SIZES.outputCell,
    });
    inputWrap.dataset.highlight = shownWindow ? boundingBox(shownWindow.positions).join(",") : "";
    inputWrap.dataset.pixel = pixel ? pixel.join(",") : "";
    outputWrap.dataset.lit = cellList(lit);
    outputWrap.dataset.hover = hoveredOut ? hoveredOut.join(",") : "";
    writeTable(output, step);
    writeLegends(result, scale);
  }

  /** @param {number[][]} output @param {number} computed */
  function writeTable(output, computed) {
    const cols = output[0]?.length ?? 0;
    if (table.rows.length !== output.length || (table.rows[0]?.cells.length ?? 0) !== cols) {
      table.replaceChildren(...output.map(() => {
        const tr = document.createElement("tr");
        tr.append(...Array.from({ length: cols }, () => document.createElement("td")));
        return tr;
      }));
    }
    output.forEach((row, r) => row.forEach((v, c) => {
      const td = table.rows[r].cells[c];
      const value = r * cols + c < computed ? String(v) : "";
      if (td.dataset.value !== value) td.dataset.value = value;
    }));
    table.dataset.computed = String(computed);
  }

  /** @param {PlaygroundLesson} result @param {ReturnType<typeof outputScale>} scale */
  function writeLegends(result, scale) {
    const dropped = result.explanation.axes.some((a) => (a.dropped ?? []).length > 0);
    renderColorBar(part("input-legend"), { caption: "pixel value (paper 0 → ink 1)", stops: INPUT_STOPS, min: 0, max: 1 });
    renderSwatches(part("input-swatches"), [
      { className: "swatch-padding", text: "padding (zeros)" },
      { className: "swatch-window", text: "window" },
      ...(dropped ? [{ className: "swatch-dropped", text: "dropped: no window reaches it" }] : []),
    ]);
    const caption = scale.kind === "diverging"
      ? "output: blue < 0 < red (diverging)" : "output value (paper → ink); grey: not yet computed";
    const r = result.output_range;
    renderColorBar(part("output-legend"), { caption, stops: scale.stops, min: scale.min, max: scale.max });
    part("output-range").textContent = r ? `values range from ${r[0].toFixed(3)} to ${r[1].toFixed(3)}` : "";
  }

  /** @param {HTMLElement} wrap @param {"input" | "output"} kind @param {HTMLCanvasElement} canvas */
  function listen(wrap, kind, canvas) {
    const grid = () => (kind === "input" ? shown?.result.padded : shown?.result.output) ?? [];
    canvas.addEventListener("pointermove", (event) => {
      const rows = grid().length;
      const cell = cellAt(event.offsetX, event.offsetY, cells[kind], rows, grid()[0]?.length ?? 0);
      hover = cell ? { kind, cell } : null;
      paint();
    });
    canvas.addEventListener("pointerleave", () => { hover = null; paint(); });
    wrap.addEventListener("keydown", (event) => {
      if (event.key === "Escape") hover = null;
      else {
        const from = hover?.kind === kind ? hover.cell : null;
        const cell = grid().length ? moveCell(from, event.key, grid().length, grid()[0].length) : null;
        if (!cell) return;
        hover = { kind, cell };
        event.preventDefault();
      }
      paint();
    });
    wrap.addEventListener("blur", () => { hover = null; paint(); });
  }
  listen(inputWrap, "input", inputCanvas);
  listen(outputWrap, "output", outputCanvas);
  const resizing = createStage(root, paint);
  // The grids follow the window's height too (a projector at 1024x576 fits them to what is left).
  window.addEventListener("resize", resizing.schedule);

  return {
    render(result, step) {
      shown = { result, step };
      paint();
    },
    destroy() {
      window.removeEventListener("resize", resizing.schedule);
      resizing.destroy();
    },
  };
}
