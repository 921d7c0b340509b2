// The playground's URL state: `#/playground?digit=3&index=0&kernel=ones&size=3&...` in and out.
// Pure functions only; the router reads and writes `location.hash`, the view receives plain objects.

import { LIMITS } from "../../config.js";
import { EXAMPLE_NAMES } from "./examples.js";

/**
 * @typedef {{digit: number, index: number, drawing: number[][] | null, example: string | null,
 *   inputSize: number, kernel: string, matrix: number[][] | null, size: number, padding: number,
 *   stride: number, dilation: number, speed: number, step: number | null}} PlaygroundState
 * `drawing` replaces the digit when set, and a textbook `example` (by name) when neither is; the digit
 * is `inputSize` pixels a side; `kernel` is "custom" exactly when `matrix` is set; `step` counts computed
 * windows (null: the view chooses, and plays from the start).
 */

/** @type {PlaygroundState} */
export const DEFAULT_PLAYGROUND = Object.freeze({
  digit: 3, index: 0, drawing: null, example: null, inputSize: 20, kernel: "ones", matrix: null,
  size: 3, padding: 0, stride: 1, dilation: 1, speed: 3, step: null,
});

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * Encode an image with values in [0, 1] as 64 grey levels, one URL-safe character per pixel; runs of
 * four or more equal pixels become `c*n.` (a drawing is mostly background, so it shrinks a lot).
 * @param {number[][]} image
 * @returns {string}
 */
export function encodeImage(image) {
  const chars = image.flat().map((v) => ALPHABET[Math.round(Math.min(1, Math.max(0, v)) * 63)]);
  let out = "";
  for (let i = 0; i < chars.length; ) {
    let j = i;
    while (j < chars.length && chars[j] === chars[i]) j += 1;
    out += j - i >= 4 ? `${chars[i]}*${j - i}.` : chars.slice(i, j).join("");
    i = j;
  }
  return `${image.length}x${image[0].length}-${out}`;
}

/**
 * Inverse of encodeImage; null when the text is not a well-formed image.
 * @param {string} text
 * @returns {number[][] | null}
 */
export function decodeImage(text) {
  const match = /^(\d+)x(\d+)-(.*)$/.exec(text);
  if (!match) return null;
  const [rows, cols] = [Number(match[1]), Number(match[2])];
  const body = match[3].replace(/(.)\*(\d+)\./g, (_, c, n) => c.repeat(Number(n)));
  if (rows < 1 || cols < 1 || rows > 64 || cols > 64 || body.length !== rows * cols) return null;
  const levels = [...body].map((c) => ALPHABET.indexOf(c));
  if (levels.includes(-1)) return null;
  return Array.from({ length: rows }, (_, r) => levels.slice(r * cols, (r + 1) * cols).map((v) => v / 63));
}

/**
 * A square matrix as "3x3_1_0_-1_..." (only characters a URL keeps as they are).
 * @param {number[][]} matrix
 */
export function encodeMatrix(matrix) {
  return [`${matrix.length}x${matrix[0].length}`, ...matrix.flat().map((v) => String(v))].join("_");
}

/**
 * @param {string} text
 * @returns {number[][] | null}
 */
export function decodeMatrix(text) {
  const [shape, ...values] = text.split("_");
  const match = /^(\d+)x(\d+)$/.exec(shape ?? "");
  const numbers = values.map(Number);
  if (!match || numbers.some((v) => !Number.isFinite(v))) return null;
  const [rows, cols] = [Number(match[1]), Number(match[2])];
  if (rows < 1 || rows > LIMITS.size[1] || cols !== rows || numbers.length !== rows * cols) return null;
  return Array.from({ length: rows }, (_, r) => numbers.slice(r * cols, (r + 1) * cols));
}

/** A URL value short enough to quote in a note. @param {string} text */
const clip = (text) => (text.length > 16 ? `${text.slice(0, 16)}…` : text);

/**
 * An integer parameter inside [lo, hi], or the fallback when missing; a malformed or out-of-range value
 * is replaced and `notes` gets a sentence saying so (a hand-edited link must never fail silently).
 * @param {URLSearchParams} params @param {string} key @param {number} fallback @param {readonly number[]} range
 * @param {string[]} notes
 */
function intParam(params, key, fallback, [lo, hi], notes) {
  if (!params.has(key)) return fallback;
  const text = params.get(key) ?? "";
  const value = Number(text);
  if (text.trim() === "" || !Number.isInteger(value)) {
    notes.push(`${key}=${clip(text)} is not a whole number, so ${key} is ${fallback}.`);
    return fallback;
  }
  const kept = Math.min(hi, Math.max(lo, value));
  if (kept !== value) notes.push(`${key}=${clip(text)} is outside ${lo}..${hi}, so ${key} is ${kept}.`);
  return kept;
}

/**
 * The state a URL asks for, plus `notes`: one sentence per value that could not be used as written.
 * (Values only the server can check, such as kernel names and sample numbers, are checked by the view.)
 * @param {URLSearchParams} params
 * @returns {PlaygroundState & {notes: string[]}}
 */
export function playgroundFromParams(params) {
  const d = DEFAULT_PLAYGROUND;
  /** @type {string[]} */
  const notes = [];
  const matrix = params.has("matrix") ? decodeMatrix(params.get("matrix") ?? "") : null;
  if (params.has("matrix") && !matrix) notes.push("The link's custom kernel is damaged, so the kernel is a named one.");
  const drawing = params.has("draw") ? decodeImage(params.get("draw") ?? "") : null;
  if (params.has("draw") && !drawing) notes.push("The link's drawing is damaged, so the input is an MNIST digit.");
  const kernel = (params.get("kernel") ?? d.kernel).replace(/[^a-z0-9_]/g, "") || d.kernel;
  const example = drawing ? null : (params.get("example") ?? "").replace(/[^a-z0-9_]/g, "") || null;
  const stepText = params.get("step");
  const step = stepText !== null && /^\d+$/.test(stepText) ? Number(stepText) : null;
  if (stepText !== null && step === null) notes.push(`step=${clip(stepText)} is not a step number, so the view starts at step 1.`);
  return {
    digit: intParam(params, "digit", d.digit, LIMITS.digit, notes),
    index: intParam(params, "index", d.index, LIMITS.index, notes),
    drawing,
    example,
    inputSize: intParam(params, "input", d.inputSize, LIMITS.inputSize, notes),
    kernel: matrix ? "custom" : kernel,
    matrix,
    size: matrix ? matrix.length : intParam(params, "size", d.size, LIMITS.size, notes),
    padding: intParam(params, "padding", d.padding, LIMITS.padding, notes),
    stride: intParam(params, "stride", d.stride, LIMITS.stride, notes),
    dilation: intParam(params, "dilation", d.dilation, LIMITS.dilation, notes),
    speed: intParam(params, "speed", d.speed, LIMITS.speed, notes),
    step,
    notes,
  };
}

/**
 * @param {PlaygroundState} state
 * @returns {URLSearchParams}
 */
export function playgroundToParams(state) {
  const params = new URLSearchParams();
  if (state.drawing) params.set("draw", encodeImage(state.drawing));
  else if (state.example) params.set("example", state.example);
  else {
    params.set("digit", String(state.digit));
    params.set("index", String(state.index));
    if (state.inputSize !== DEFAULT_PLAYGROUND.inputSize) params.set("input", String(state.inputSize));
  }
  if (state.matrix) params.set("matrix", encodeMatrix(state.matrix));
  else params.set("kernel", state.kernel);
  for (const key of /** @type {const} */ (["size", "padding", "stride", "dilation", "speed"])) {
    params.set(key, String(state[key]));
  }
  if (state.step !== null) params.set("step", String(state.step));
  return params;
}

/** @typedef {import("../../types.js").KernelRecord} KernelRecord */

/**
 * Merge a change into the state, keeping kernel and size consistent: a named kernel without the new
 * size becomes all ones (and `note` says so); a custom matrix grows or shrinks with the size slider.
 * @param {PlaygroundState} state @param {Partial<PlaygroundState>} patch @param {KernelRecord[]} kernels
 * @returns {{next: PlaygroundState, note: string}}
 */
export function applyPatch(state, patch, kernels) {
  const next = { ...state, ...patch };
  let note = "";
  const info = kernels.find((k) => k.name === next.kernel);
  if (info && !info.sizes.includes(next.size)) {
    note = `${info.label} has no ${next.size}×${next.size} version, so the kernel is now all ones.`;
    next.kernel = "ones";
  }
  if (next.matrix && patch.size !== undefined && next.matrix.length !== next.size) {
    next.matrix = Array.from({ length: next.size }, (_, r) =>
      Array.from({ length: next.size }, (_, c) => next.matrix?.[r]?.[c] ?? 0));
  }
  if (patch.matrix) next.size = patch.matrix.length;
  return { next, note };
}

/**
 * Check what only the server knows (kernel names, samples per digit) against a linked state: each value
 * that cannot be used is replaced, with a sentence saying so.
 * @param {PlaygroundState} state @param {KernelRecord[]} kernels @param {number | null} count  samples of the digit
 * @returns {{state: PlaygroundState, notes: string[]}}
 */
export function checkAgainstCatalogue(state, kernels, count) {
  /** @type {string[]} */
  const notes = [];
  let checked = state;
  if (!checked.matrix && kernels.length && !kernels.some((k) => k.name === checked.kernel)) {
    notes.push(`There is no kernel called “${checked.kernel.slice(0, 16)}”, so the kernel is all ones.`);
    checked = { ...checked, kernel: "ones" };
  }
  if (checked.example && !EXAMPLE_NAMES.includes(checked.example)) {
    notes.push(`There is no example called “${checked.example.slice(0, 16)}”, so the input is an MNIST digit.`);
    checked = { ...checked, example: null };
  }
  if (!checked.drawing && !checked.example && count !== null && checked.index >= count) {
    notes.push(`There are ${count.toLocaleString("en")} samples of ${checked.digit} here, so this is sample 1.`);
    checked = { ...checked, index: 0 };
  }
  return { state: checked, notes };
}
