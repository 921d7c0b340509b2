// Pure helpers for a network's activations: a feature map as a small image, a vector as bars, and
// the scale one layer shares (so its maps can be compared by eye). They draw and keep nothing.

import { COLORS } from "../config.js";
import { greys, outputScale } from "./colors.js";
import { outlineBox, outlineCells, prepareCanvas } from "./grid.js";

/** @typedef {ReturnType<typeof outputScale>} Scale */

/**
 * The smallest and largest value in nested arrays of numbers (nulls skipped).
 * @param {any} values  a number or nested arrays of numbers
 * @returns {[number, number]}
 */
export function valueRange(values) {
  let lo = Infinity;
  let hi = -Infinity;
  const visit = (/** @type {any} */ v) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (typeof v === "number") { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  };
  visit(values);
  return Number.isFinite(lo) ? [lo, hi] : [0, 0];
}

/**
 * One layer's scale: diverging about zero where any value is negative, paper-to-ink otherwise.
 * @param {any} values
 * @returns {Scale}
 */
export function layerScale(values) {
  return outputScale(valueRange(values), false);
}

/**
 * @typedef {{r0: number, r1: number, c0: number, c1: number}} Box  inclusive rows and columns
 * @typedef {{cell: number, scale: Scale | null, box?: Box | null, marks?: {cell: [number, number],
 *   color: string}[], border?: string}} MapStyle
 * A null scale draws values in [0, 1] as the input's greys.
 */

/**
 * Draw one (H, W) map, cell by cell, with an optional box and marked cells on top.
 * @param {HTMLCanvasElement} canvas @param {number[][]} map @param {MapStyle} style
 */
export function drawMap(canvas, map, style) {
  const rows = map.length;
  const cols = map[0]?.length ?? 0;
  const { cell, scale } = style;
  const ctx = prepareCanvas(canvas, cols * cell, rows * cell);
  const rgb = (/** @type {number | null} */ v) => (v === null ? COLORS.missing : scale ? scale.rgb(v) : greys(v));
  // One pixel per value, scaled up in one drawImage: a 140x140 drawing is 19,600 fillRects otherwise,
  // which cost the view more than the server's whole answer while drawing.
  const pixels = new ImageData(Math.max(1, cols), Math.max(1, rows));
  map.forEach((row, r) => row.forEach((v, c) => {
    const [red, green, blue] = rgb(v);
    pixels.data.set([red, green, blue, 255], (r * cols + c) * 4);
  }));
  const tile = document.createElement("canvas");
  tile.width = pixels.width;
  tile.height = pixels.height;
  /** @type {CanvasRenderingContext2D} */ (tile.getContext("2d")).putImageData(pixels, 0, 0);
  ctx.imageSmoothingEnabled = cell < 1;  // crisp cells when enlarged, averaged when a big drawing shrinks
  ctx.drawImage(tile, 0, 0, cols * cell, rows * cell);
  if (style.box) {
    const { r0, r1, c0, c1 } = style.box;
    outlineBox(ctx, [r0, c0, r1, c1], cell, COLORS.window, Math.max(2, Math.min(3, cell / 2)));
  }
  for (const mark of style.marks ?? []) {
    outlineCells(ctx, [mark.cell], cell, { stroke: mark.color, width: Math.max(1.5, Math.min(3, cell / 3)) });
  }
}

/**
 * Draw a vector as bars from a zero line (up for positive, down for negative), `selected` outlined
 * and `span` (inclusive indices) tinted behind the bars.
 * @param {HTMLCanvasElement} canvas @param {number[]} values
 * @param {{width: number, height: number, scale: Scale, selected?: number | null,
 *   span?: [number, number] | null}} style
 * @returns {number} the width of one bar in CSS pixels
 */
export function drawBars(canvas, values, style) {
  const { width, height, scale } = style;
  const ctx = prepareCanvas(canvas, width, height);
  const n = Math.max(1, values.length);
  const bar = width / n;
  const [lo, hi] = [Math.min(0, scale.min), Math.max(0, scale.max)];
  const span = hi - lo || 1;
  const zero = (hi / span) * (height - 2) + 1;
  if (style.span) {
    ctx.fillStyle = COLORS.windowTint;
    ctx.fillRect(style.span[0] * bar, 0, (style.span[1] - style.span[0] + 1) * bar, height);
  }
  values.forEach((v, i) => {
    const h = (Math.abs(v) / span) * (height - 2);
    ctx.fillStyle = scale.kind === "diverging" ? scale.color(v) : COLORS.bars;
    ctx.fillRect(i * bar + (bar > 3 ? 0.5 : 0), v >= 0 ? zero - h : zero, Math.max(1, bar - (bar > 3 ? 1 : 0)), Math.max(h, 0.5));
  });
  ctx.strokeStyle = COLORS.axis;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(0, Math.round(zero) + 0.5);
  ctx.lineTo(width, Math.round(zero) + 0.5);
  ctx.stroke();
  if (style.selected !== null && style.selected !== undefined) {
    ctx.strokeStyle = COLORS.accent;
    ctx.lineWidth = 2;
    ctx.strokeRect(style.selected * bar + 1, 1, Math.max(2, bar - 2), height - 2);
  }
  return bar;
}
