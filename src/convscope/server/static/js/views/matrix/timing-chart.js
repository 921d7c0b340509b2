// The timing chart: seconds against signal length n on log-log axes, measured by the server on its own
// machine. Points are the medians; the dashed lines are the n·k and n·log n fits through them (slope 1
// on these axes, as the fits hold the exponent); a vertical line marks the crossover.

import { COLORS } from "../../config.js";
import { formatValue } from "../../draw/colors.js";
import { prepareCanvas } from "../../draw/grid.js";

/** @typedef {import("../../types-matrix.js").TimingLesson} TimingLesson */

export const TIMING_COLORS = Object.freeze({ direct: COLORS.window, fft: COLORS.accent });

/** Seconds in a readable unit. @param {number} s */
export function formatSeconds(s) {
  return s < 1e-3 ? `${formatValue(s * 1e6)} µs` : s < 1 ? `${formatValue(s * 1e3)} ms` : `${formatValue(s)} s`;
}

/**
 * Draw the chart into `canvas`, `width` CSS pixels wide; returns how many points it drew.
 * @param {HTMLCanvasElement} canvas @param {TimingLesson} t @param {number} width
 */
export function drawTiming(canvas, t, width) {
  const height = Math.round(Math.min(340, Math.max(220, width * 0.55)));
  const ctx = prepareCanvas(canvas, width, height);
  const pad = { left: 58, right: 26, top: 12, bottom: 40 };
  const lx = t.sizes.map(Math.log2);
  const all = [...t.direct, ...t.fft, ...t.direct_fit, ...t.fft_fit].filter((v) => v > 0).map(Math.log10);
  const [x0, x1] = [Math.min(...lx), Math.max(...lx)];
  const [y0, y1] = [Math.floor(Math.min(...all)), Math.ceil(Math.max(...all))];
  const x = (/** @type {number} */ n) => pad.left + ((Math.log2(n) - x0) / (x1 - x0 || 1)) * (width - pad.left - pad.right);
  const y = (/** @type {number} */ s) => pad.top + (1 - (Math.log10(s) - y0) / (y1 - y0 || 1)) * (height - pad.top - pad.bottom);
  ctx.font = "12px system-ui, sans-serif";
  ctx.fillStyle = COLORS.text;
  ctx.strokeStyle = COLORS.gridline;
  ctx.lineWidth = 1;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (let p = y0; p <= y1; p += 1) {  // one gridline per power of ten seconds
    ctx.beginPath();
    ctx.moveTo(pad.left, y(10 ** p));
    ctx.lineTo(width - pad.right, y(10 ** p));
    ctx.stroke();
    ctx.fillText(formatSeconds(10 ** p), pad.left - 4, y(10 ** p));
  }
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  const every = width < 500 ? 4 : 2;
  for (const n of t.sizes) {
    if (Math.log2(n) % every) continue;
    ctx.fillText(`2^${Math.log2(n)}`, x(n), height - pad.bottom + 4);
  }
  ctx.fillText(`signal length n (log scale), kernel k = ${t.kernel_size}`, (pad.left + width - pad.right) / 2, height - 16);
  if (t.crossover !== null) {
    ctx.strokeStyle = COLORS.text;
    ctx.setLineDash([2, 3]);
    ctx.beginPath();
    ctx.moveTo(x(t.crossover), pad.top);
    ctx.lineTo(x(t.crossover), height - pad.bottom);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.textAlign = x(t.crossover) > width - 120 ? "right" : "left";
    ctx.fillText(`crossover n = ${t.crossover.toLocaleString("en")}`, x(t.crossover) + (ctx.textAlign === "right" ? -4 : 4), pad.top + 2);
  }
  let points = 0;
  for (const [key, times, fit] of /** @type {const} */ ([["direct", t.direct, t.direct_fit], ["fft", t.fft, t.fft_fit]])) {
    ctx.strokeStyle = TIMING_COLORS[key];
    ctx.fillStyle = TIMING_COLORS[key];
    ctx.lineWidth = 1.5;
    ctx.setLineDash([6, 4]);
    ctx.beginPath();
    t.sizes.forEach((n, i) => (i ? ctx.lineTo(x(n), y(fit[i])) : ctx.moveTo(x(n), y(fit[i]))));
    ctx.stroke();
    ctx.setLineDash([]);
    t.sizes.forEach((n, i) => {
      ctx.beginPath();
      ctx.arc(x(n), y(times[i]), 3.5, 0, 2 * Math.PI);
      ctx.fill();
      points += 1;
    });
  }
  canvas.dataset.points = String(points);
  canvas.dataset.crossover = t.crossover === null ? "" : String(t.crossover);
  return points;
}

/**
 * One paragraph saying what the chart shows, from the record's numbers.
 * @param {TimingLesson} t
 */
export function timingSummary(t) {
  const other = t.faster_beyond === "fft" ? "direct" : "FFT";
  const winner = t.faster_beyond === "fft" ? "the FFT" : "direct convolution";
  const where = t.crossover === null
    ? `${winner[0].toUpperCase()}${winner.slice(1)} was faster at every n measured.`
    : `The ${other} method was faster somewhere below n = ${t.crossover.toLocaleString("en")}; from there on ${winner} won at every n.`;
  const predicted = t.predicted_crossover === null ? "never, within any float" : `n ≈ ${formatValue(t.predicted_crossover)}`;
  return `${where} Fitted: direct ≈ ${formatSeconds(t.direct_per_nk)} × n·k (${formatValue(t.direct_per_nk * 1e9)} ns per multiply-add), FFT ≈ ${formatValue(t.fft_per_nlogn * 1e9)} ns × n·log₂n; the two lines meet at ${predicted}. Measured once, on the first request since the server started (${formatValue(t.seconds)} s, median of ${t.repeats} runs per point) on ${t.machine}.`;
}
