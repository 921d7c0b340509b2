// "Draw your own": the shared drawing pad (components/pad.js) at 20x20 with its Clear button. Strokes
// are soft so a drawing looks like a digit; the keyboard path inks or erases one cell at a time.

import { createPad } from "../../components/pad.js";
import { PADS } from "../../config.js";

export const SKETCH_SIZE = PADS.sketch.cells;

/**
 * @param {HTMLElement} el  the pad's container
 * @param {{onDrawn: (image: number[][]) => void}} hooks  called when a stroke ends or a key inks
 * @returns {{show: (image: number[][]) => void}}
 */
export function mountSketch(el, { onDrawn }) {
  el.innerHTML = `
    <canvas class="sketch" tabindex="0" data-testid="sketch" role="img"
      aria-label="drawing pad, 20 by 20: draw with the pointer, or arrows to move and Space to ink, Delete to erase"></canvas>
    <button type="button" data-testid="sketch-clear">Clear</button>`;
  const pad = createPad(/** @type {HTMLCanvasElement} */ (el.querySelector("canvas")), PADS.sketch, { onDrawn });
  /** @type {HTMLButtonElement} */ (el.querySelector("button")).addEventListener("click", () => {
    pad.clear();
    onDrawn(pad.image());
  });
  return {
    show(next) {
      // A linked drawing of another size goes to the server as it is; the pad keeps what it shows.
      if (next.length === SKETCH_SIZE && next[0].length === SKETCH_SIZE) pad.show(next);
    },
  };
}
