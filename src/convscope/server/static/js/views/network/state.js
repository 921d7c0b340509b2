// The network view's URL state: which bundled sample is shown (none while drawing) and which unit is
// explained, e.g. `#/network?digit=7&index=0&layer=conv2&unit=3,4,5`. Pure functions.

/**
 * @typedef {{digit: number | null, index: number, layer: string | null, unit: number[] | null}} NetworkState
 */

/**
 * @param {URLSearchParams} params
 * @returns {NetworkState}
 */
export function networkFromParams(params) {
  const digit = Number(params.get("digit"));
  const index = Number(params.get("index") ?? 0);
  const unit = (params.get("unit") ?? "").split(",").map(Number);
  const layer = (params.get("layer") ?? "").replace(/[^a-z0-9_]/g, "");
  const hasUnit = layer !== "" && unit.length > 0 && unit.every((v) => Number.isInteger(v) && v >= 0);
  return {
    digit: params.has("digit") && Number.isInteger(digit) && digit >= 0 && digit <= 9 ? digit : null,
    index: Number.isInteger(index) && index >= 0 ? index : 0,
    layer: hasUnit ? layer : null,
    unit: hasUnit ? unit : null,
  };
}

/**
 * @param {NetworkState} state
 * @returns {URLSearchParams}
 */
export function networkToParams(state) {
  const params = new URLSearchParams();
  if (state.digit !== null) {
    params.set("digit", String(state.digit));
    params.set("index", String(state.index));
  }
  if (state.layer && state.unit) {
    params.set("layer", state.layer);
    params.set("unit", state.unit.join(","));
  }
  return params;
}
