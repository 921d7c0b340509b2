// Arrow keys on a grid, one definition for every grid the page lets a keyboard walk: the playground's
// probes, the drawing pads' cursor, the network's feature maps and vectors.

/** @typedef {[number, number]} Cell  [row, column] */

/** Each arrow key as a [row, column] step. */
export const ARROWS = Object.freeze(/** @type {Record<string, Cell>} */ ({
  ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1],
}));

/** @param {number} v @param {number} n  v kept inside 0..n-1 */
const clamp = (v, n) => Math.min(n - 1, Math.max(0, v));

/**
 * The cell an arrow key moves to, kept inside a rows x cols grid; null for any other key.
 * With no cell yet, the first arrow lands on `start`.
 * @param {Cell | null} cell @param {string} key @param {number} rows @param {number} cols
 * @param {number} [step]  cells per press
 * @param {Cell} [start]
 * @returns {Cell | null}
 */
export function moveCell(cell, key, rows, cols, step = 1, start = [0, 0]) {
  const delta = ARROWS[key];
  if (!delta) return null;
  if (!cell) return start;
  return [clamp(cell[0] + delta[0] * step, rows), clamp(cell[1] + delta[1] * step, cols)];
}

/**
 * An index along a vector of n entries: every arrow moves it one way or the other; null for other keys.
 * @param {number | null} index @param {string} key @param {number} n
 * @returns {number | null}
 */
export function moveIndex(index, key, n) {
  const delta = ARROWS[key];
  if (!delta) return null;
  return index === null ? 0 : clamp(index + delta[0] + delta[1], n);
}
