// The image kernels view's URL state: `#/kernels?photo=coffee&kernel=sobel_x&size=3&...` in and out,
// and the query the server's apply and inspect routes take. Pure functions only.

/**
 * @typedef {object} KernelsState
 * @property {string} photo  the bundled photo shown (an upload or snapshot is not in the URL)
 * @property {string} kernel  a catalogue name, or "custom" when `weights` holds the user's grid
 * @property {number} size  the catalogue kernel's side
 * @property {number[][] | null} weights  the custom kernel, rows of numbers
 * @property {boolean} normalise @property {string} channels @property {string} display
 * @property {string} padding @property {boolean} flip @property {string} view
 * @property {string} second  the composition's second kernel ("" for none)
 * @property {number} secondSize
 * @property {[number, number] | null} pixel  the inspected output pixel [x, y]
 */

/** @type {KernelsState} */
export const DEFAULT_KERNELS = Object.freeze({
  photo: "astronaut", kernel: "sharpen", size: 3, weights: null, normalise: false, channels: "rgb",
  display: "clamped", padding: "zeros", flip: false, view: "result", second: "", secondSize: 3, pixel: null,
});

const CHOICES = /** @type {Record<string, string[]>} */ ({
  channels: ["rgb", "luminance"], display: ["clamped", "signed"],
  padding: ["zeros", "reflect", "replicate", "circular"], view: ["result", "magnitude", "border"],
});
const MAX_SIDE = 15;

/** "1,2;3,4" -> [[1, 2], [3, 4]]; null unless rectangular, 1..15 a side, every value finite. @param {string} text */
export function parseWeights(text) {
  const rows = text.split(";").map((row) => row.split(",").map(Number));
  const ok = rows.length >= 1 && rows.length <= MAX_SIDE && rows.every((r) => r.length === rows[0].length
    && r.length <= MAX_SIDE && r.every((v) => Number.isFinite(v)));
  return ok && text.trim() !== "" ? rows : null;
}

/** @param {number[][]} weights */
export const formatWeights = (weights) => weights.map((row) => row.map((v) => String(v)).join(",")).join(";");

/** @param {string | null} text @param {number} fallback */
function side(text, fallback) {
  const n = Number(text);
  return Number.isInteger(n) && n >= 1 && n <= MAX_SIDE ? n : fallback;
}

/** @param {URLSearchParams} params @returns {KernelsState} */
export function kernelsFromParams(params) {
  const d = DEFAULT_KERNELS;
  const weights = params.get("weights") ? parseWeights(String(params.get("weights"))) : null;
  /** @param {string} key @param {string} fallback */
  const pick = (key, fallback) => (CHOICES[key].includes(params.get(key) ?? "") ? String(params.get(key)) : fallback);
  const [x, y] = (params.get("pixel") ?? "").split(",").map(Number);
  return {
    photo: params.get("photo") || d.photo,
    kernel: weights ? "custom" : params.get("kernel") || d.kernel,
    size: side(params.get("size"), d.size), weights,
    normalise: params.get("normalise") === "1", flip: params.get("flip") === "1",
    channels: pick("channels", d.channels), display: pick("display", d.display),
    padding: pick("padding", d.padding), view: pick("view", d.view),
    second: params.get("second") || "", secondSize: side(params.get("second_size"), d.secondSize),
    pixel: Number.isInteger(x) && Number.isInteger(y) && x >= 0 && y >= 0 ? [x, y] : null,
  };
}

/** @param {KernelsState} state @returns {URLSearchParams} */
export function kernelsToParams(state) {
  const p = new URLSearchParams({ photo: state.photo });
  if (state.weights) p.set("weights", formatWeights(state.weights));
  else { p.set("kernel", state.kernel); p.set("size", String(state.size)); }
  for (const key of ["channels", "display", "padding", "view"]) p.set(key, String(state[/** @type {"view"} */ (key)]));
  if (state.normalise) p.set("normalise", "1");
  if (state.flip) p.set("flip", "1");
  if (state.second) { p.set("second", state.second); p.set("second_size", String(state.secondSize)); }
  if (state.pixel) p.set("pixel", state.pixel.join(","));
  return p;
}

/**
 * The server's query for one picture of the state (`view` overrides the state's: the composition's).
 * @param {KernelsState} state @param {string} [view]
 * @returns {Record<string, string>}
 */
export function kernelQuery(state, view = state.view) {
  /** @type {Record<string, string>} */
  const q = state.weights ? { weights: formatWeights(state.weights) } : { kernel: state.kernel, size: String(state.size) };
  Object.assign(q, { normalise: String(state.normalise), channels: state.channels, display: state.display,
    padding_mode: state.padding, flip: String(state.flip), view });
  if (state.second) Object.assign(q, { second: state.second, second_size: String(state.secondSize) });
  return q;
}
