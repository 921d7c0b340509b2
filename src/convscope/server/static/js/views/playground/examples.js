// Textbook examples, one click each: the small worked inputs a first lesson on convolution uses. The
// inputs themselves live on the server (lessons/playground_inputs.py, by name); a preset here says which
// input, which kernel and which settings, as a patch of the playground's state.

/** @typedef {import("./state.js").PlaygroundState} PlaygroundState */

/** The server's textbook inputs (POST /api/convolve's `example`). */
export const EXAMPLE_NAMES = Object.freeze(["frame7", "binary5"]);

/** A vertical-edge kernel: +1 left, −1 right; small whole numbers a class can add up by hand. */
const EDGE = [[1, 0, -1], [1, 0, -1], [1, 0, -1]];
/** UFLDL's binary kernel (an X): with the 5x5 binary image it gives [[4, 3, 4], [2, 4, 3], [2, 3, 4]]. */
const BINARY = [[1, 0, 1], [0, 1, 0], [1, 0, 1]];

/**
 * @typedef {object} Preset
 * @property {string} id  the button's data-testid suffix
 * @property {string} label  the button's text
 * @property {string} about  what it shows, as the button's title
 * @property {Partial<PlaygroundState>} patch
 */

/** @param {string} example @param {number[][]} matrix @param {number} stride @returns {Partial<PlaygroundState>} */
const preset = (example, matrix, stride) => ({
  example, drawing: null, kernel: "custom", matrix, size: matrix.length, padding: 0, stride, dilation: 1,
});

/** @type {readonly Preset[]} */
export const PRESETS = Object.freeze([
  { id: "7x7-s1", label: "7×7, stride 1", about: "7×7 input, 3×3 kernel, stride 1: a 5×5 output", patch: preset("frame7", EDGE, 1) },
  { id: "7x7-s2", label: "stride 2", about: "7×7 input, 3×3 kernel, stride 2: a 3×3 output", patch: preset("frame7", EDGE, 2) },
  { id: "7x7-s3", label: "stride 3", about: "7×7 input, 3×3 kernel, stride 3: does not fit (why?)", patch: preset("frame7", EDGE, 3) },
  { id: "binary5", label: "5×5 binary", about: "5×5 binary image, 3×3 binary kernel: a 3×3 output", patch: preset("binary5", BINARY, 1) },
]);

/**
 * Whether the state shows this preset (its button is then pressed).
 * @param {PlaygroundState} state @param {Preset} p
 */
export function showsPreset(state, p) {
  const { patch } = p;
  return !state.drawing && state.example === patch.example && state.stride === patch.stride &&
    state.padding === 0 && state.dilation === 1 && JSON.stringify(state.matrix) === JSON.stringify(patch.matrix);
}
