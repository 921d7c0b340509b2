// Flip-and-slide drawn as pure functions: f, the flipped and shifted g and their shaded product over
// the tau grid; below it, the result growing up to the current t.

import { COLORS } from "../../config.js";
import { drawFrame, drawLine, extent } from "./axes.js";

export const SLIDE_COLORS = Object.freeze({ f: "#0b5fff", g: "#e8590c", product: "rgba(194, 24, 91, 0.35)",
  productLine: "#c2185b", result: "#1d2430" });

/** @typedef {import("../../types-signals.js").SlideLesson} SlideLesson */

/**
 * The frame a player step shows: step 0 is the first position with nothing computed yet.
 * @param {SlideLesson} lesson @param {number} step
 */
export function frameAt(lesson, step) {
  return lesson.frames[Math.max(0, Math.min(lesson.frames.length - 1, step - 1))];
}

/**
 * Top plot: f, g shifted (flipped when convolving) to the step's t, and their product shaded.
 * @param {HTMLCanvasElement} canvas @param {SlideLesson} lesson @param {number} step @param {number} width
 */
export function drawSlideTop(canvas, lesson, step, width) {
  const frame = frameAt(lesson, step);
  const [lo, hi] = extent(lesson.f, lesson.g);
  const pad = lesson.discrete ? 0.6 : 0; // whole steps: half a step of room so the end stems show
  const plot = drawFrame(canvas, { width, height: 190, xRange: [lesson.tau[0] - pad, lesson.tau[lesson.tau.length - 1] + pad],
    yRange: [lo, hi], xLabel: lesson.discrete ? "τ: whole steps" : "τ" });
  if (lesson.discrete) {
    // One step is `unit` pixels: the product is a shaded box a step wide, f and g stems either side of its middle.
    const unit = plot.x(1) - plot.x(0);
    drawStems(plot, lesson.tau, frame.product, { color: SLIDE_COLORS.product, width: Math.max(2, unit * 0.8) });
    drawStems(plot, lesson.tau, lesson.f, { color: SLIDE_COLORS.f, width: 2, dx: -Math.min(3, unit * 0.2), dot: true });
    drawStems(plot, lesson.tau, frame.shifted, { color: SLIDE_COLORS.g, width: 2, dx: Math.min(3, unit * 0.2), dot: true });
  } else {
    drawLine(plot, lesson.tau, frame.product, { color: SLIDE_COLORS.productLine, fill: SLIDE_COLORS.product, width: 1 });
    drawLine(plot, lesson.tau, lesson.f, { color: SLIDE_COLORS.f });
    drawLine(plot, lesson.tau, frame.shifted, { color: SLIDE_COLORS.g, dashed: step === 0 });
  }
  const { ctx, x, box } = plot;
  if (frame.t >= lesson.tau[0] && frame.t <= lesson.tau[lesson.tau.length - 1]) {
    ctx.strokeStyle = COLORS.axis;
    ctx.setLineDash([2, 3]);
    ctx.beginPath();
    ctx.moveTo(x(frame.t) + 0.5, box.top);
    ctx.lineTo(x(frame.t) + 0.5, box.bottom);
    ctx.stroke();
    ctx.setLineDash([]);
  }
  legend(ctx, box.left + 8, box.top + 4, [
    [SLIDE_COLORS.f, "f(τ)"], [SLIDE_COLORS.g, lesson.flip ? "g(t − τ), flipped" : "g(τ − t), not flipped"],
    [SLIDE_COLORS.productLine, lesson.discrete ? "products (their sum)" : "product (shaded area)"]]);
}

/**
 * Vertical stems from zero to each value (non-zero ones only), optionally with a dot on top.
 * @param {import("./axes.js").Frame} plot @param {number[]} xs @param {number[]} ys
 * @param {{color: string, width: number, dx?: number, dot?: boolean}} style
 */
export function drawStems({ ctx, x, y }, xs, ys, style) {
  ctx.strokeStyle = style.color;
  ctx.fillStyle = style.color;
  ctx.lineWidth = style.width;
  ctx.lineCap = "butt";
  xs.forEach((v, i) => {
    if (ys[i] === 0) return;
    const px = x(v) + (style.dx ?? 0);
    ctx.beginPath();
    ctx.moveTo(px, y(0));
    ctx.lineTo(px, y(ys[i]));
    ctx.stroke();
    if (style.dot) {
      ctx.beginPath();
      ctx.arc(px, y(ys[i]), 2.5, 0, 2 * Math.PI);
      ctx.fill();
    }
  });
}

/**
 * Bottom plot: the result's samples up to the step's t, a dot at the newest one.
 * @param {HTMLCanvasElement} canvas @param {SlideLesson} lesson @param {number} step @param {number} width
 */
export function drawSlideResult(canvas, lesson, step, width) {
  const done = step === 0 ? 0 : Math.min(lesson.result.length, (step - 1) * lesson.frame_stride + 1);
  const pad = lesson.discrete ? 0.6 : 0;
  const what = lesson.discrete ? "the sum of the products" : "area of the product";
  const plot = drawFrame(canvas, { width, height: 150, xRange: [lesson.t[0] - pad, lesson.t[lesson.t.length - 1] + pad],
    yRange: extent(lesson.result), xLabel: lesson.flip ? `t: (f * g)(t) = ${what}` : "t: the lag g is slid by" });
  const ts = lesson.t.slice(0, done);
  if (lesson.discrete) {
    drawStems(plot, lesson.t, lesson.result, { color: COLORS.gridline, width: 3 });
    drawStems(plot, ts, lesson.result.slice(0, done), { color: SLIDE_COLORS.result, width: 3 });
  } else {
    drawLine(plot, lesson.t, lesson.result, { color: COLORS.gridline, width: 1 });
    drawLine(plot, ts, lesson.result.slice(0, done), { color: SLIDE_COLORS.result, fill: "rgba(29, 36, 48, 0.08)" });
  }
  if (done > 0) {
    const { ctx, x, y } = plot;
    ctx.fillStyle = SLIDE_COLORS.productLine;
    ctx.beginPath();
    ctx.arc(x(lesson.t[done - 1]), y(lesson.result[done - 1]), 4, 0, 2 * Math.PI);
    ctx.fill();
  }
}

/**
 * Colour keys in a row.
 * @param {CanvasRenderingContext2D} ctx @param {number} x0 @param {number} y0 @param {[string, string][]} items
 */
export function legend(ctx, x0, y0, items) {
  ctx.font = "11px system-ui, sans-serif";
  ctx.textAlign = "left";
  ctx.textBaseline = "top";
  const right = ctx.canvas.width / (window.devicePixelRatio || 1) - 8;
  let [x, y] = [x0, y0];
  for (const [color, label] of items) {
    const width = 24 + ctx.measureText(label).width;
    if (x > x0 && x + width - 8 > right) [x, y] = [x0, y + 14]; // a narrow plot: the next key on a new line
    ctx.fillStyle = color;
    ctx.fillRect(x, y + 2, 12, 8);
    ctx.fillStyle = COLORS.text;
    ctx.fillText(label, x + 16, y);
    x += width;
  }
}
