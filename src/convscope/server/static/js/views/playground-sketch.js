// "Draw your own": a 20x20 pad drawn with mouse, pen or finger (pointer events), or from the keyboard
// (arrows move a cursor, Space inks, Delete erases). Strokes are soft so a drawing looks like a digit.

import { css, greys } from "../draw/colors.js";
import { fillCells, gridLines, outlineCells, prepareCanvas } from "../draw/grid.js";

export const SKETCH_SIZE = 20;
const LEVELS = 63;

/** Ink of a brush at distance `d` (in cells) from its centre, quantised to what the URL keeps. */
function brush(/** @type {number} */ d) {
  return Math.round(Math.min(1, Math.max(0, 1.35 - d)) * LEVELS) / LEVELS;
}

/**
 * @param {HTMLElement} el  the pad's container
 * @param {{onDrawn: (image: number[][]) => void}} hooks  called when a stroke ends
 * @returns {{show: (image: number[][]) => void}}
 */
export function mountSketch(el, { onDrawn }) {
  el.innerHTML = `
    <canvas class="sketch" tabindex="0" data-testid="sketch" role="img"
      aria-label="drawing pad, 20 by 20: draw with the pointer, or arrows to move and Space to ink, Delete to erase"></canvas>
    <button type="button" data-testid="sketch-clear">Clear</button>`;
  const canvas = /** @type {HTMLCanvasElement} */ (el.querySelector("canvas"));
  const cell = 9;
  /** @type {number[][]} */
  let image = Array.from({ length: SKETCH_SIZE }, () => new Array(SKETCH_SIZE).fill(0));
  /** @type {[number, number] | null} */
  let cursor = null;
  /** @type {[number, number] | null} */
  let lastPoint = null;

  function paint() {
    const ctx = prepareCanvas(canvas, SKETCH_SIZE * cell, SKETCH_SIZE * cell);
    fillCells(ctx, SKETCH_SIZE, SKETCH_SIZE, cell, (r, c) => css(greys(image[r][c])));
    gridLines(ctx, SKETCH_SIZE, SKETCH_SIZE, cell, "rgba(0, 0, 0, 0.08)");
    if (cursor && document.activeElement === canvas) {
      outlineCells(ctx, [cursor], cell, { stroke: "#0b5fff", width: 2 });
    }
  }

  /** Ink every cell near the point (x, y), in cell units. @param {number} x @param {number} y */
  function dab(x, y) {
    for (let r = Math.floor(y - 2); r <= y + 2; r += 1) {
      for (let c = Math.floor(x - 2); c <= x + 2; c += 1) {
        if (r < 0 || c < 0 || r >= SKETCH_SIZE || c >= SKETCH_SIZE) continue;
        image[r][c] = Math.max(image[r][c], brush(Math.hypot(r + 0.5 - y, c + 0.5 - x)));
      }
    }
  }

  /** @param {PointerEvent} event */
  function strokeTo(event) {
    const point = /** @type {[number, number]} */ ([event.offsetX / cell, event.offsetY / cell]);
    const from = lastPoint ?? point;
    // Fill the gap between pointer events so fast strokes stay continuous.
    const n = Math.max(1, Math.ceil(Math.hypot(point[0] - from[0], point[1] - from[1]) * 3));
    for (let i = 1; i <= n; i += 1) dab(from[0] + ((point[0] - from[0]) * i) / n, from[1] + ((point[1] - from[1]) * i) / n);
    lastPoint = point;
    paint();
  }

  canvas.addEventListener("pointerdown", (event) => {
    canvas.setPointerCapture(event.pointerId);
    lastPoint = null;
    strokeTo(event);
  });
  canvas.addEventListener("pointermove", (event) => { if (lastPoint) strokeTo(event); });
  const end = () => {
    if (!lastPoint) return;
    lastPoint = null;
    onDrawn(image.map((row) => [...row]));
  };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  canvas.addEventListener("keydown", (event) => {
    const moves = /** @type {Record<string, number[]>} */ ({ ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] });
    const [r, c] = cursor ?? [10, 10];
    if (moves[event.key]) {
      cursor = [Math.min(19, Math.max(0, r + moves[event.key][0])), Math.min(19, Math.max(0, c + moves[event.key][1]))];
      paint();
    } else if (event.key === " " || event.key === "Delete" || event.key === "Backspace") {
      image[r][c] = event.key === " " ? 1 : 0;
      cursor = [r, c];
      onDrawn(image.map((row) => [...row]));
    } else return;
    event.preventDefault();
  });
  canvas.addEventListener("focus", paint);
  canvas.addEventListener("blur", paint);
  /** @type {HTMLButtonElement} */ (el.querySelector("button")).addEventListener("click", () => {
    image = image.map((row) => row.map(() => 0));
    onDrawn(image.map((row) => [...row]));
  });

  return {
    show(next) {
      if (next.length === SKETCH_SIZE && next[0].length === SKETCH_SIZE) image = next.map((row) => [...row]);
      paint();
    },
  };
}
