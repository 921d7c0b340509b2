// The signals page's plots share one frame: a canvas at the device's resolution, axes with round ticks
// and labels, and the two maps from data to pixels. Pure drawing: values in, pixels out.

import { COLORS } from "../../config.js";
import { formatValue } from "../../draw/colors.js";
import { ticks } from "../../draw/curves.js";
import { prepareCanvas } from "../../draw/grid.js";

/**
 * @typedef {object} Frame
 * @property {CanvasRenderingContext2D} ctx
 * @property {(v: number) => number} x  data to pixels, horizontally
 * @property {(v: number) => number} y  data to pixels, vertically
 * @property {{left: number, right: number, top: number, bottom: number}} box  the plot area in pixels
 */

/**
 * @typedef {object} FrameSpec
 * @property {number} width @property {number} height
 * @property {[number, number]} xRange @property {[number, number]} yRange
 * @property {string} xLabel @property {string} [yLabel]
 * @property {number[]} [xTicks]  where to label x (default: round values)
 */

/**
 * Prepare the canvas and draw the axes; returns the maps for what is drawn on top.
 * @param {HTMLCanvasElement} canvas @param {FrameSpec} spec
 * @returns {Frame}
 */
export function drawFrame(canvas, spec) {
  const { width, height, xRange: [x0, x1], yRange: [y0, y1] } = spec;
  const ctx = prepareCanvas(canvas, width, height);
  const box = { left: spec.yLabel ? 48 : 36, right: width - 8, top: 8, bottom: height - 30 };
  const x = (/** @type {number} */ v) => box.left + ((v - x0) / (x1 - x0 || 1)) * (box.right - box.left);
  const y = (/** @type {number} */ v) => box.bottom - ((v - y0) / (y1 - y0 || 1)) * (box.bottom - box.top);
  ctx.font = "11px system-ui, sans-serif";
  ctx.lineWidth = 1;
  ctx.fillStyle = COLORS.text;
  ctx.strokeStyle = COLORS.gridline;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const t of ticks(y0, y1, 3)) {
    ctx.beginPath();
    ctx.moveTo(box.left, Math.round(y(t)) + 0.5);
    ctx.lineTo(box.right, Math.round(y(t)) + 0.5);
    ctx.stroke();
    ctx.fillText(formatValue(t), box.left - 4, y(t));
  }
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  const labels = spec.xTicks ?? ticks(x0, x1, Math.max(2, Math.floor((box.right - box.left) / 70)));
  for (const t of labels) ctx.fillText(formatValue(t), x(t), box.bottom + 3);
  ctx.fillText(spec.xLabel, (box.left + box.right) / 2, height - 13);
  if (spec.yLabel) {
    ctx.save();
    ctx.translate(10, (box.top + box.bottom) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(spec.yLabel, 0, -4);
    ctx.restore();
  }
  ctx.strokeStyle = COLORS.axis;
  ctx.beginPath();
  ctx.moveTo(box.left + 0.5, box.top);
  ctx.lineTo(box.left + 0.5, box.bottom + 0.5);
  ctx.lineTo(box.right, box.bottom + 0.5);
  ctx.stroke();
  return { ctx, x, y, box };
}

/**
 * A curve through (xs[i], ys[i]); with `fill`, the area between it and zero is shaded too.
 * @param {Frame} frame @param {number[]} xs @param {number[]} ys
 * @param {{color: string, fill?: string, width?: number, dashed?: boolean}} style
 */
export function drawLine({ ctx, x, y }, xs, ys, style) {
  if (xs.length === 0) return;
  if (style.fill) {
    ctx.fillStyle = style.fill;
    ctx.beginPath();
    ctx.moveTo(x(xs[0]), y(0));
    xs.forEach((v, i) => ctx.lineTo(x(v), y(ys[i])));
    ctx.lineTo(x(xs[xs.length - 1]), y(0));
    ctx.closePath();
    ctx.fill();
  }
  ctx.strokeStyle = style.color;
  ctx.lineWidth = style.width ?? 2;
  ctx.setLineDash(style.dashed ? [5, 4] : []);
  ctx.beginPath();
  xs.forEach((v, i) => (i === 0 ? ctx.moveTo(x(v), y(ys[i])) : ctx.lineTo(x(v), y(ys[i]))));
  ctx.stroke();
  ctx.setLineDash([]);
}

/** The smallest and largest of some arrays, padded so a flat line still has room. @param {number[][]} arrays */
export function extent(...arrays) {
  let lo = 0;
  let hi = 0;
  for (const a of arrays) for (const v of a) { if (v < lo) lo = v; if (v > hi) hi = v; }
  const pad = (hi - lo || 1) * 0.08;
  return /** @type {[number, number]} */ ([lo < 0 ? lo - pad : 0, hi + pad]);
}

/** The width a plot gets inside `el`: its content box, within [min, max]. @param {HTMLElement} el */
export function plotWidth(el, min = 240, max = 760) {
  return Math.max(min, Math.min(max, Math.floor(el.clientWidth || max)));
}
