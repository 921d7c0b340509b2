// A line chart on a canvas as a pure function: series of (x, y) points in, axes and lines out.
// Used for training curves (loss and accuracy against epochs).

import { COLORS } from "../config.js";
import { formatValue } from "./colors.js";
import { prepareCanvas } from "./grid.js";

/**
 * @typedef {{points: [number, number][], color: string, dashed?: boolean, dots?: boolean, faint?: boolean}} Series
 * `faint`: thin and pale, behind a series drawn on top of it (raw values under their average)
 * @typedef {{width: number, height: number, series: Series[], xMax: number, yRange?: [number, number] | null,
 *   xLabel: string, yLabel: string}} Chart
 */

/**
 * Round tick values covering [lo, hi]: about `count` steps of 1, 2 or 5 times a power of ten.
 * @param {number} lo @param {number} hi @param {number} count
 * @returns {number[]}
 */
export function ticks(lo, hi, count) {
  const span = hi - lo || 1;
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.round(v / step) * step);
  return out;
}

/**
 * Draw the chart; with no points yet it draws the empty axes, so the page does not jump.
 * @param {HTMLCanvasElement} canvas @param {Chart} chart
 */
export function drawCurves(canvas, chart) {
  const { width, height } = chart;
  const ctx = prepareCanvas(canvas, width, height);
  const pad = { left: 46, right: 10, top: 10, bottom: 34 };
  const all = chart.series.flatMap((s) => s.points.map((p) => p[1])).filter(Number.isFinite);
  const [lo, hi] = chart.yRange ?? (all.length ? [Math.min(0, ...all), Math.max(...all) * 1.05 || 1] : [0, 1]);
  const xMax = Math.max(chart.xMax, 1e-9);
  const x = (/** @type {number} */ v) => pad.left + (v / xMax) * (width - pad.left - pad.right);
  const y = (/** @type {number} */ v) => height - pad.bottom - ((v - lo) / (hi - lo || 1)) * (height - pad.top - pad.bottom);

  ctx.font = "12px system-ui, sans-serif";
  ctx.fillStyle = COLORS.text;
  ctx.strokeStyle = COLORS.gridline;
  ctx.lineWidth = 1;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const t of ticks(lo, hi, 4)) {
    ctx.beginPath();
    ctx.moveTo(pad.left, Math.round(y(t)) + 0.5);
    ctx.lineTo(width - pad.right, Math.round(y(t)) + 0.5);
    ctx.stroke();
    ctx.fillText(formatValue(t), pad.left - 5, y(t));
  }
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (const t of ticks(0, xMax, Math.min(8, Math.max(1, Math.round(xMax))))) {
    ctx.fillText(formatValue(t), x(t), height - pad.bottom + 4);
  }
  ctx.fillText(chart.xLabel, pad.left + (width - pad.left - pad.right) / 2, height - 15);
  ctx.strokeStyle = COLORS.axis;
  ctx.beginPath();
  ctx.moveTo(pad.left + 0.5, pad.top);
  ctx.lineTo(pad.left + 0.5, height - pad.bottom + 0.5);
  ctx.lineTo(width - pad.right, height - pad.bottom + 0.5);
  ctx.stroke();
  ctx.save();
  ctx.translate(11, pad.top + (height - pad.top - pad.bottom) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(chart.yLabel, 0, -6);
  ctx.restore();

  for (const s of chart.series) {
    const points = s.points.filter((p) => Number.isFinite(p[1]));
    ctx.strokeStyle = s.color;
    ctx.fillStyle = s.color;
    ctx.lineWidth = s.faint ? 1 : 2;
    ctx.globalAlpha = s.faint ? 0.3 : 1;
    ctx.setLineDash(s.dashed ? [6, 4] : []);
    ctx.beginPath();
    points.forEach(([px, py], i) => (i === 0 ? ctx.moveTo(x(px), y(py)) : ctx.lineTo(x(px), y(py))));
    ctx.stroke();
    ctx.setLineDash([]);
    if (s.dots || (points.length === 1 && !s.faint)) {
      for (const [px, py] of points) {
        ctx.beginPath();
        ctx.arc(x(px), y(py), 3.5, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
    ctx.globalAlpha = 1;
  }
}
