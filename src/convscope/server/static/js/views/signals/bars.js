// Bar charts of discrete distributions: f and g (bars the reader drags) and f*g (with the simulated
// histogram over it). Pure drawing plus the inverse map a drag needs: pixels back to (step, probability).

import { COLORS } from "../../config.js";
import { drawFrame } from "./axes.js";

/** Colours of the ball drop: f's bars, g's, the chosen pairs and the simulated counts. */
export const BAR_COLORS = Object.freeze({
  f: "#0b5fff", g: "#e8590c", conv: "#3d4a5c", chosen: "#c2185b", faded: "#c9ced6", drop: "#1b8a3a",
});

/**
 * @typedef {object} BarSpec
 * @property {number} width @property {number} height
 * @property {number[]} values  one bar per step 0, 1, ...
 * @property {number} yMax  top of the axis
 * @property {string} color
 * @property {Set<number>} [chosen]  bars drawn in `color` (the pairs of the chosen total); the rest faded
 * @property {number[] | null} [overlay]  simulated frequencies, drawn as green ticks over the bars
 * @property {string} xLabel
 */

/**
 * The x axis's steps, each bar centred on its step, 0..n-1.
 * @param {number} n @returns {[number, number]}
 */
const xRange = (n) => [-0.6, n - 0.4];

/** Label every step when there is room, else every 2nd, 5th or 10th. @param {number} n @param {number} width */
function stepTicks(n, width) {
  const every = [1, 2, 5, 10].find((k) => (width - 50) / (n / k) >= 22) ?? 10;
  return Array.from({ length: n }, (_, i) => i).filter((i) => i % every === 0);
}

/**
 * Draw the bars; returns the frame so a drag can be mapped back.
 * @param {HTMLCanvasElement} canvas @param {BarSpec} spec
 */
export function drawBars(canvas, spec) {
  const n = spec.values.length;
  const frame = drawFrame(canvas, {
    width: spec.width, height: spec.height, xRange: xRange(n), yRange: [0, spec.yMax],
    xLabel: spec.xLabel, xTicks: stepTicks(n, spec.width),
  });
  const { ctx, x, y } = frame;
  const half = Math.max(1, ((x(1) - x(0)) * 0.72) / 2);
  spec.values.forEach((v, i) => {
    const chosen = spec.chosen?.has(i);
    ctx.fillStyle = spec.chosen && !chosen ? BAR_COLORS.faded : spec.color;
    ctx.fillRect(x(i) - half, y(v), half * 2, y(0) - y(v));
  });
  if (spec.overlay) {
    ctx.strokeStyle = BAR_COLORS.drop;
    ctx.lineWidth = 3;
    spec.overlay.forEach((v, i) => {
      ctx.beginPath();
      ctx.moveTo(x(i) - half - 2, y(v));
      ctx.lineTo(x(i) + half + 2, y(v));
      ctx.stroke();
    });
    ctx.lineWidth = 1;
  }
  ctx.strokeStyle = COLORS.axis;
  return frame;
}

/**
 * The step and height under a pointer at (px, py) in the canvas's CSS pixels; null beside the bars.
 * @param {import("./axes.js").Frame} frame @param {number} n  bars @param {number} yMax
 * @param {number} px @param {number} py
 * @returns {{step: number, value: number} | null}
 */
export function barAt(frame, n, yMax, px, py) {
  const { x, box } = frame;
  const step = Math.round(((px - x(0)) / (x(1) - x(0))));
  if (step < 0 || step >= n) return null;
  const value = ((box.bottom - py) / (box.bottom - box.top)) * yMax;
  return { step, value: Math.max(0, Math.min(1, value)) }; // above the axis keeps growing, up to 1
}

/** An axis top that leaves headroom above the tallest bar. @param {number[][]} arrays */
export function barTop(...arrays) {
  const top = Math.max(0.05, ...arrays.flat());
  return Math.min(1, Math.ceil(top * 1.25 * 20) / 20);
}
