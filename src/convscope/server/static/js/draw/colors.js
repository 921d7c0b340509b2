// Colour scales as pure functions: a value in, a CSS colour out. Shared by every view.

import { COLORS } from "../config.js";

/** @typedef {[number, number, number]} Rgb */
/**
 * @typedef {{kind: "sequential" | "diverging", min: number, max: number, color: (v: number) => string}} Scale
 */

/** Blue, white, red (ColorBrewer RdBu ends): zero is white, sign is hue, size is saturation. */
const DIVERGING = /** @type {Rgb[]} */ ([[33, 102, 172], [146, 197, 222], [247, 247, 247], [244, 165, 130], [178, 24, 43]]);
/** Paper to ink: 0 is white, 1 is near black, like a pencil drawing. */
const GREYS = /** @type {Rgb[]} */ ([[255, 255, 255], [20, 20, 20]]);

/**
 * Linear interpolation through evenly spaced colour stops, t in [0, 1].
 * @param {Rgb[]} stops @param {number} t @returns {Rgb}
 */
export function interpolate(stops, t) {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  return /** @type {Rgb} */ (stops[i].map((a, k) => Math.round(a + (stops[i + 1][k] - a) * f)));
}

/** @param {Rgb} rgb */
export function css([r, g, b]) {
  return `rgb(${r}, ${g}, ${b})`;
}

/**
 * Black or white text, whichever reads better on the given background.
 * @param {Rgb} rgb
 */
export function textOn([r, g, b]) {
  return 0.299 * r + 0.587 * g + 0.114 * b > 140 ? COLORS.darkText : COLORS.lightText;
}

/**
 * Paper-to-ink greys for input pixels in [0, 1].
 * @param {number} v @returns {Rgb}
 */
export function greys(v) {
  return interpolate(GREYS, v);
}

/**
 * The scale for a set of output values: diverging and symmetric about zero when values can be
 * negative; otherwise the input's paper-to-ink greys from min(0, lo) to hi, so a blurred digit
 * looks like a blurred digit.
 * @param {[number, number]} range  [min, max] of all values the scale must show
 * @param {boolean} divergingAdvised  the server's advice (a kernel with negative weights)
 * @returns {Scale & {rgb: (v: number) => Rgb, stops: Rgb[]}}
 */
export function outputScale([lo, hi], divergingAdvised) {
  if (divergingAdvised || lo < 0) {
    const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    const rgb = (/** @type {number} */ v) => interpolate(DIVERGING, (v + m) / (2 * m));
    return { kind: "diverging", min: -m, max: m, rgb, color: (v) => css(rgb(v)), stops: DIVERGING };
  }
  const min = Math.min(0, lo);
  const span = hi - min || 1;
  const rgb = (/** @type {number} */ v) => interpolate(GREYS, (v - min) / span);
  return { kind: "sequential", min, max: min + span, rgb, color: (v) => css(rgb(v)), stops: GREYS };
}

/**
 * A CSS linear-gradient through the scale's stops, for legends.
 * @param {Rgb[]} stops
 */
export function gradientCss(stops) {
  return `linear-gradient(to right, ${stops.map(css).join(", ")})`;
}

/** The input scale's stops, for its legend. */
export const INPUT_STOPS = GREYS;

/**
 * Numbers short enough for a cell: 3 significant digits, no trailing zeros.
 * @param {number} v
 */
export function formatValue(v) {
  if (v === 0) return "0";
  const text = Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
  // Only zeros after a decimal point go ("2.50" -> "2.5", "10.0" -> "10"); "100" keeps its own.
  return (text.includes(".") ? text.replace(/\.?0+$/, "") : text).replace(/^-0$/, "0");
}
