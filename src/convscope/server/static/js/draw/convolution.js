// Drawing a convolution's two grids (the playground's): the padded input with its window, and the
// output so far. Pure functions of their arguments (plus the canvas they draw on).

import { COLORS, SIZES } from "../config.js";
import { css, formatValue, greys, textOn } from "./colors.js";
import {
  boundingBox, cellSize, cellText, fillCells, gridLines, hatchCell, outlineBox, outlineCells, prepareCanvas,
} from "./grid.js";

/** @typedef {import("./grid.js").Cell} Cell */

/**
 * @typedef {{padded: number[][], padding: number, inputSize: [number, number], dropped: [number[], number[]],
 *   window: Cell[] | null, hovering: boolean, pixel: Cell | null, maxWidth: number, maxCell?: number}} InputPicture
 * `window` is in padded coordinates; `hovering` says it comes from the pointer, not the animation;
 * `maxCell` caps a cell's side (default SIZES.inputCell).
 */

/**
 * @param {HTMLCanvasElement} canvas @param {InputPicture} pic
 * @returns {number} the cell size in CSS pixels
 */
export function drawInput(canvas, pic) {
  const rows = pic.padded.length;
  const cols = pic.padded[0]?.length ?? 0;
  const cell = cellSize(rows, cols, pic.maxWidth, pic.maxCell ?? SIZES.inputCell);
  const ctx = prepareCanvas(canvas, cols * cell, rows * cell);
  const [h, w] = pic.inputSize;
  const p = pic.padding;
  const isPad = (/** @type {number} */ r, /** @type {number} */ c) => r < p || r >= p + h || c < p || c >= p + w;
  fillCells(ctx, rows, cols, cell, (r, c) => (isPad(r, c) ? COLORS.padding : css(greys(pic.padded[r][c]))));
  for (let r = 0; r < rows; r += 1) {
    for (let c = 0; c < cols; c += 1) if (isPad(r, c)) hatchCell(ctx, r, c, cell, COLORS.paddingHatch);
  }
  gridLines(ctx, rows, cols, cell, COLORS.cellLines);
  const [droppedRows, droppedCols] = pic.dropped;
  const droppedCells = /** @type {Cell[]} */ ([]);
  for (let r = 0; r < rows; r += 1) {
    for (let c = 0; c < cols; c += 1) {
      if (droppedRows.includes(r) || droppedCols.includes(c)) droppedCells.push([r, c]);
    }
  }
  outlineCells(ctx, droppedCells, cell, { stroke: COLORS.droppedEdge, width: 1, fill: COLORS.dropped });
  if (pic.window) {
    const [stroke, fill] = pic.hovering ? [COLORS.hover, COLORS.hoverFill] : [COLORS.window, COLORS.windowFill];
    outlineCells(ctx, pic.window, cell, { stroke, width: Math.max(1, cell / 12), fill });
    outlineBox(ctx, boundingBox(pic.window), cell, stroke, Math.max(2, cell / 7));
  }
  if (pic.pixel) outlineCells(ctx, [pic.pixel], cell, { stroke: COLORS.accent, width: 3, fill: COLORS.accentFill });
  return cell;
}

/**
 * @typedef {{output: number[][], computed: number, scale: ReturnType<typeof import("./colors.js").outputScale>,
 *   current: Cell | null, hovered: Cell | null, lit: Cell[], maxWidth: number, maxCell?: number}} OutputPicture
 * The first `computed` cells in row-major order (the trace's order) are drawn; the rest are blank.
 * `maxCell` caps a cell's side (default SIZES.outputCell).
 */

/**
 * @param {HTMLCanvasElement} canvas @param {OutputPicture} pic
 * @returns {number} the cell size in CSS pixels
 */
export function drawOutput(canvas, pic) {
  const rows = pic.output.length;
  const cols = pic.output[0]?.length ?? 0;
  const cell = cellSize(rows, cols, pic.maxWidth, pic.maxCell ?? SIZES.outputCell);
  const ctx = prepareCanvas(canvas, cols * cell, rows * cell);
  const done = (/** @type {number} */ r, /** @type {number} */ c) => r * cols + c < pic.computed;
  fillCells(ctx, rows, cols, cell, (r, c) => (done(r, c) ? pic.scale.color(pic.output[r][c]) : COLORS.notYet));
  gridLines(ctx, rows, cols, cell, COLORS.cellLines);
  if (cell >= 30) {
    for (let r = 0; r < rows; r += 1) {
      for (let c = 0; c < cols; c += 1) {
        const v = pic.output[r][c];
        if (done(r, c)) cellText(ctx, r, c, cell, formatValue(v), textOn(pic.scale.rgb(v)));
      }
    }
  }
  outlineCells(ctx, pic.lit, cell, { stroke: COLORS.accent, width: 2, fill: COLORS.accentFill });
  if (pic.current) outlineCells(ctx, [pic.current], cell, { stroke: COLORS.window, width: Math.max(2, cell / 6) });
  if (pic.hovered) outlineCells(ctx, [pic.hovered], cell, { stroke: COLORS.hover, width: Math.max(2, cell / 6) });
  return cell;
}
