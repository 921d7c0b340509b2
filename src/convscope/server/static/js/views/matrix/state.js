// The Matrix & FFT view's URL state, e.g. `#/matrix?dims=2&size=6&k=3&stride=1&zp=0&ts=2`. Pure functions:
// every number is clamped to what the controls offer, so a pasted link can never ask for more.

/**
 * @typedef {object} MatrixState
 * @property {1 | 2} dims @property {number} size @property {number} k @property {number} stride
 * @property {number} padding @property {number} dilation @property {number} digit
 * @property {string} signal  the FFT's signal, comma-separated @property {string} kernel  its kernel
 * @property {boolean} zeroPad @property {boolean} phase
 * @property {number} tIn @property {number} tK @property {number} tStride @property {number} tPad
 * @property {number} tOut @property {number} tDil @property {number} speed
 */

/** The defaults: what `#/matrix` with no parameters shows. @type {Readonly<MatrixState>} */
export const DEFAULTS = Object.freeze({
  dims: /** @type {1 | 2} */ (1), size: 8, k: 3, stride: 1, padding: 0, dilation: 1, digit: 3,
  signal: "0, 0, 1, 2, 3, 2, 1, 0, 0, 4, 4, 0, 0, 1, 0, 2", kernel: "1, 2, 1", zeroPad: true, phase: false,
  tIn: 3, tK: 3, tStride: 2, tPad: 0, tOut: 0, tDil: 1, speed: 3,
});

/** URL name, state key, [min, max] for each whole-number setting. */
const NUMBERS = /** @type {const} */ ([
  ["size", "size", [4, 16]], ["k", "k", [1, 7]], ["stride", "stride", [1, 3]], ["padding", "padding", [0, 3]],
  ["dilation", "dilation", [1, 3]], ["digit", "digit", [0, 9]], ["ti", "tIn", [2, 4]], ["tk", "tK", [1, 4]],
  ["ts", "tStride", [1, 3]], ["tp", "tPad", [0, 3]], ["to", "tOut", [0, 2]], ["td", "tDil", [1, 2]],
  ["speed", "speed", [0, 7]],
]);

/** @param {URLSearchParams} params @returns {MatrixState} */
export function matrixFromParams(params) {
  /** @type {Record<string, unknown>} */
  const state = { ...DEFAULTS };
  state.dims = params.get("dims") === "2" ? 2 : 1;
  for (const [name, key, [lo, hi]] of NUMBERS) {
    const v = Number(params.get(name));
    if (params.has(name) && Number.isInteger(v)) state[key] = Math.min(hi, Math.max(lo, v));
  }
  for (const key of /** @type {const} */ (["signal", "kernel"])) {
    const text = (params.get(key) ?? "").replace(/[^0-9eE.,\s+-]/g, "").slice(0, 600);
    if (text.trim()) state[key] = text;
  }
  if (params.has("zp")) state.zeroPad = params.get("zp") !== "0";
  if (params.has("phase")) state.phase = params.get("phase") === "1";
  return /** @type {MatrixState} */ (state);
}

/** @param {MatrixState} state @returns {URLSearchParams} */
export function matrixToParams(state) {
  const params = new URLSearchParams();
  params.set("dims", String(state.dims));
  for (const [name, key] of NUMBERS) params.set(name, String(state[key]));
  if (state.signal !== DEFAULTS.signal) params.set("signal", state.signal);
  if (state.kernel !== DEFAULTS.kernel) params.set("kernel", state.kernel);
  params.set("zp", state.zeroPad ? "1" : "0");
  params.set("phase", state.phase ? "1" : "0");
  return params;
}

/**
 * Comma- or space-separated numbers; an error message naming the field if any is not a number.
 * @param {string} text @param {string} field
 * @returns {{values: number[], error: string | null}}
 */
export function parseNumbers(text, field) {
  const parts = text.split(/[\s,]+/).filter((p) => p !== "");
  const values = parts.map(Number);
  const bad = parts.find((p, i) => !Number.isFinite(values[i]));
  return { values, error: bad === undefined ? null : `${field}: “${bad}” is not a number; use numbers separated by commas` };
}
