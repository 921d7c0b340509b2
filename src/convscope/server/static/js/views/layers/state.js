// The Layers view's URL state is its request: every setting, and the unit explained, e.g.
// `#/layers?input=digits&filters=6&kernel_size=5&unit=2,7,9&activation=tanh`. Only values that differ
// from the defaults are written. Pure functions.

/** @typedef {import("../../types-layers.js").ActivationName} ActivationName */

/**
 * @typedef {object} LayersState
 * @property {string} input @property {number} digit @property {number} index
 * @property {number} filters @property {number} kernel_size @property {number} stride @property {number} padding
 * @property {"named" | "random"} init @property {number} seed @property {number[] | null} unit
 * @property {ActivationName} activation @property {number} negative_slope
 * @property {number} pool_kernel_size @property {number} pool_stride @property {number} pool_padding
 */

/** @type {LayersState} */
export const DEFAULTS = Object.freeze({
  input: "shapes", digit: 3, index: 0, filters: 4, kernel_size: 3, stride: 1, padding: 1, init: "named",
  seed: 0, unit: null, activation: "relu", negative_slope: 0.01, pool_kernel_size: 2, pool_stride: 2,
  pool_padding: 0,
});

/** The whole-number settings, in form order. */
export const INTEGER_FIELDS = /** @type {const} */ ([
  "digit", "index", "filters", "kernel_size", "stride", "padding", "seed",
  "pool_kernel_size", "pool_stride", "pool_padding",
]);
/** The settings that change the output volume's shape or its filters: changing one forgets the unit. */
export const VOLUME_FIELDS = ["input", "digit", "index", "filters", "kernel_size", "stride", "padding", "init", "seed"];
const INPUTS = ["photo", "shapes", "digits", "digit"];
const ACTIVATIONS = ["relu", "leaky_relu", "tanh", "sigmoid"];

/**
 * @param {URLSearchParams} params
 * @returns {LayersState}
 */
export function layersFromParams(params) {
  const state = /** @type {LayersState} */ ({ ...DEFAULTS });
  const rec = /** @type {Record<string, unknown>} */ (state);
  for (const name of INTEGER_FIELDS) {
    const value = Number(params.get(name));
    // Out-of-range whole numbers are kept: the server's message then says what is allowed, beside the field.
    if (params.has(name) && Number.isInteger(value)) rec[name] = value;
  }
  const slope = Number(params.get("negative_slope"));
  if (params.has("negative_slope") && Number.isFinite(slope)) state.negative_slope = slope;
  const input = params.get("input") ?? "";
  if (INPUTS.includes(input)) state.input = input;
  if (params.get("init") === "random") state.init = "random";
  const activation = params.get("activation") ?? "";
  if (ACTIVATIONS.includes(activation)) state.activation = /** @type {ActivationName} */ (activation);
  const unit = (params.get("unit") ?? "").split(",").map(Number);
  if (unit.length === 3 && unit.every((v) => Number.isInteger(v) && v >= 0)) state.unit = unit;
  return state;
}

/**
 * @param {LayersState} state
 * @returns {URLSearchParams}
 */
export function layersToParams(state) {
  const params = new URLSearchParams();
  const rec = /** @type {Record<string, unknown>} */ (state);
  const defaults = /** @type {Record<string, unknown>} */ (DEFAULTS);
  for (const [name, value] of Object.entries(rec)) {
    if (name === "unit") continue;
    if (value !== defaults[name]) params.set(name, String(value));
  }
  if (state.unit) params.set("unit", state.unit.join(","));
  return params;
}
