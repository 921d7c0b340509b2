// The drawing pad: a square grid of ink in [0, 1], drawn with mouse, pen or finger (pointer events) in
// soft round strokes, or from the keyboard (arrows move a cursor, Space inks, Delete erases). The
// playground's 20x20 sketch and the network's 280 px pad are this one pad at two settings (config.js).

import { COLORS } from "../config.js";
import { greys } from "../draw/colors.js";
import { gridLines, outlineBox, prepareCanvas } from "../draw/grid.js";
import { moveCell } from "./grid-keys.js";

/**
 * @typedef {object} PadSettings
 * @property {number} cells  the grid's side
 * @property {number} cellPx  CSS pixels per cell
 * @property {number} reach  the pen's radius in cells: full ink within reach - 1, none beyond reach
 * @property {number} keyReach  cells around the cursor that Space inks and Delete erases (0: one cell)
 * @property {number} levels  ink is rounded to 1/levels (what the URL or the request keeps)
 * @property {number} [keyStep]  cells an arrow moves the cursor
 * @property {boolean} [lines]  draw lines between the cells
 */

/**
 * @param {HTMLCanvasElement} canvas  the pad (focusable, so the keyboard path works)
 * @param {PadSettings} settings
 * @param {{onInk?: () => void, onDrawn: (image: number[][]) => void}} hooks
 *   onInk: every pointer move of a stroke; onDrawn: a stroke ended, or a key inked or erased
 * @returns {{image: () => number[][], show: (image: number[][]) => void, clear: () => void,
 *   isBlank: () => boolean}}
 */
export function createPad(canvas, settings, { onInk = () => {}, onDrawn }) {
  const { cells, cellPx, reach, keyReach, levels, keyStep = 1 } = settings;
  let image = blank(cells);
  /** @type {[number, number] | null} */
  let cursor = null;
  /** @type {[number, number] | null} */
  let lastPoint = null;
  const copy = () => image.map((row) => [...row]);
  // One pixel per cell, kept in step with `image` cell by cell: a pen move repaints the few cells it
  // inks, not all 19,600 of the network's pad, and the canvas is redrawn at most once per frame.
  const pixels = new ImageData(cells, cells);
  const tile = document.createElement("canvas");
  tile.width = tile.height = cells;
  const tileCtx = /** @type {CanvasRenderingContext2D} */ (tile.getContext("2d"));
  const ctx = prepareCanvas(canvas, cells * cellPx, cells * cellPx);
  let frame = 0;

  /** @param {number} r @param {number} c @param {number} value */
  function setCell(r, c, value) {
    image[r][c] = value;
    const [red, green, blue] = greys(value);
    pixels.data.set([red, green, blue, 255], (r * cells + c) * 4);
  }

  const setAll = () => image.forEach((row, r) => row.forEach((v, c) => setCell(r, c, v)));

  function paint() {
    tileCtx.putImageData(pixels, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(tile, 0, 0, cells * cellPx, cells * cellPx);
    if (settings.lines) gridLines(ctx, cells, cells, cellPx, COLORS.padLines);
    if (cursor && canvas.ownerDocument.activeElement === canvas) {
      const [r, c] = cursor;
      const box = [r - keyReach, c - keyReach, r + keyReach, c + keyReach].map((v) => Math.min(cells - 1, Math.max(0, v)));
      outlineBox(ctx, box, cellPx, COLORS.accent, 2);
    }
  }

  /** Ink every cell near the point (x, y), in cell units. @param {number} x @param {number} y */
  function dab(x, y) {
    for (let r = Math.floor(y - reach); r <= y + reach; r += 1) {
      for (let c = Math.floor(x - reach); c <= x + reach; c += 1) {
        if (r < 0 || c < 0 || r >= cells || c >= cells) continue;
        const ink = Math.min(1, Math.max(0, reach - 0.65 - Math.hypot(r + 0.5 - y, c + 0.5 - x)));
        const value = Math.round(ink * levels) / levels;
        if (value > image[r][c]) setCell(r, c, value);
      }
    }
  }

  /** @param {PointerEvent} event @returns {[number, number]} the point in cell units */
  function point(event) {
    // offsetX/Y are inside the border; clientWidth/Height the drawn square, however CSS scales it.
    return [(event.offsetX / canvas.clientWidth) * cells, (event.offsetY / canvas.clientHeight) * cells];
  }

  /** @param {PointerEvent} event */
  function strokeTo(event) {
    const to = point(event);
    const from = lastPoint ?? to;
    // Fill the gap between pointer events so fast strokes stay continuous.
    const n = Math.max(1, Math.ceil(Math.hypot(to[0] - from[0], to[1] - from[1]) * 3));
    for (let i = 1; i <= n; i += 1) dab(from[0] + ((to[0] - from[0]) * i) / n, from[1] + ((to[1] - from[1]) * i) / n);
    lastPoint = to;
    if (!frame) frame = requestAnimationFrame(() => { frame = 0; paint(); });
    onInk();
  }

  /** Space inks, Delete erases, the cells within keyReach of the cursor. @param {number} value */
  function stamp(value) {
    const [r0, c0] = cursor ?? center(cells);
    for (let r = r0 - keyReach; r <= r0 + keyReach; r += 1) {
      for (let c = c0 - keyReach; c <= c0 + keyReach; c += 1) {
        if (r < 0 || c < 0 || r >= cells || c >= cells || Math.hypot(r - r0, c - c0) > keyReach + 0.5) continue;
        setCell(r, c, value);
      }
    }
    cursor = [r0, c0];
    paint();
    onDrawn(copy());
  }

  canvas.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    canvas.setPointerCapture(event.pointerId);
    lastPoint = null;
    strokeTo(event);
    event.preventDefault();
  });
  canvas.addEventListener("pointermove", (event) => { if (lastPoint) strokeTo(event); });
  const end = () => {
    if (!lastPoint) return;
    lastPoint = null;
    onDrawn(copy());
  };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  canvas.addEventListener("keydown", (event) => {
    const moved = moveCell(cursor ?? center(cells), event.key, cells, cells, keyStep);
    if (moved) {
      cursor = moved;
      paint();
    } else if (event.key === " ") stamp(1);
    else if (event.key === "Delete" || event.key === "Backspace") stamp(0);
    else return;
    event.preventDefault();
  });
  canvas.addEventListener("focus", paint);
  canvas.addEventListener("blur", paint);
  setAll();
  paint();

  return {
    image: copy,
    show(next) {
      image = next.length === cells ? next.map((row) => [...row]) : resample(next, cells);
      setAll();
      paint();
    },
    clear() {
      image = blank(cells);
      lastPoint = null;
      setAll();
      paint();
    },
    isBlank: () => image.every((row) => row.every((v) => v === 0)),
  };
}

/** @param {number} n @returns {number[][]} */
const blank = (n) => Array.from({ length: n }, () => new Array(n).fill(0));

/** @param {number} n @returns {[number, number]} */
const center = (n) => [Math.floor(n / 2), Math.floor(n / 2)];

/**
 * A smaller square image blown up to n x n, each pixel a square block (a 28x28 digit on a 140 pad).
 * @param {number[][]} image @param {number} n
 */
function resample(image, n) {
  const side = image.length;
  return Array.from({ length: n }, (_, r) =>
    Array.from({ length: n }, (_, c) => Math.max(0, image[Math.floor((r * side) / n)][Math.floor((c * side) / n)])));
}
