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

// 256 steps across a scale: within one 8-bit colour level of the exact colour, and cheap to build for
// each small map (a 28x28 feature map has 784 values).
const LEVELS = 256;

/**
 * The colours at LEVELS + 1 evenly spaced values from lo to lo + span, as RGB triples one after another.
 * @param {(v: number) => number[]} rgb @param {number} lo @param {number} span
 */
function sampled(rgb, lo, span) {
  const table = new Uint8ClampedArray(3 * (LEVELS + 1));
  for (let i = 0; i <= LEVELS; i += 1) table.set(rgb(lo + (span * i) / LEVELS), 3 * i);
  return table;
}

const GREY_TABLE = sampled(greys, 0, 1);  // never written after this line

/**
 * The scale's colour table (null: the input's greys over [0, 1]).
 * @param {Scale | null} scale @returns {{lo: number, span: number, table: Uint8ClampedArray}}
 */
function colourTable(scale) {
  if (!scale) return { lo: 0, span: 1, table: GREY_TABLE };
  const span = scale.max - scale.min || 1;
  return { lo: scale.min, span, table: sampled(scale.rgb, scale.min, span) };
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
  // One pixel per value, scaled up in one drawImage: a 140x140 drawing is 19,600 fillRects otherwise,
  // which cost the view more than the server's whole answer while drawing. Colours come from a table
  // (no array per pixel): the scale sampled at LEVELS + 1 points, finer than 8-bit colour can show.
  const { lo, span, table } = colourTable(scale);
  const pixels = new ImageData(Math.max(1, cols), Math.max(1, rows));
  const data = pixels.data;
  const [mr, mg, mb] = COLORS.missing;
  for (let r = 0; r < rows; r += 1) {
    const row = map[r];
    for (let c = 0; c < cols; c += 1) {
      const v = row[c];
      const at = (r * cols + c) * 4;
      if (v === null) {
        data[at] = mr; data[at + 1] = mg; data[at + 2] = mb;
      } else {
        const k = 3 * Math.round(Math.min(1, Math.max(0, (v - lo) / span || 0)) * LEVELS);
        data[at] = table[k]; data[at + 1] = table[k + 1]; data[at + 2] = table[k + 2];
      }
      data[at + 3] = 255;
    }
  }
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

/** Height of the strip under labelled bars, in CSS pixels. */
const LABEL_STRIP = 16;

/**
 * Draw a vector as bars from a zero line (up for positive, down for negative), `selected` outlined
 * and `span` (inclusive indices) tinted behind the bars; `labels` writes each bar's index under it
 * (0-9 for a class vector) in a strip added below `height`.
 * @param {HTMLCanvasElement} canvas @param {number[]} values
 * @param {{width: number, height: number, scale: Scale, selected?: number | null,
 *   span?: [number, number] | null, labels?: boolean}} style
 * @returns {number} the width of one bar in CSS pixels
 */
export function drawBars(canvas, values, style) {
  const { width, scale } = style;
  const strip = style.labels ? LABEL_STRIP : 0;
  const ctx = prepareCanvas(canvas, width, style.height + strip);
  const height = style.height;
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
  if (strip) {
    ctx.fillStyle = COLORS.text;
    ctx.font = "12px system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    values.forEach((_, i) => ctx.fillText(String(i), (i + 0.5) * bar, height + 2));
  }
  return bar;
}
