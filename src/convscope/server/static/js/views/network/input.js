// The network view's input panel: the drawing pad (components/pad.js at 280 px, sent at 140x140),
// its Clear button, and the ten bundled sample digits.

import { createPad } from "../../components/pad.js";
import { part } from "../../components/part.js";
import { PADS } from "../../config.js";

/**
 * @param {HTMLElement} root  the network view (its parts found by data-part)
 * @param {{onInk: () => void, onDrawn: () => void, onSample: (digit: number) => void, onClear: () => void}} hooks
 *   onInk: the pen moved while drawing; onDrawn: a stroke ended or a key inked; onSample: a digit button
 * @returns {{image: () => number[][], show: (digit: number[][]) => void, clear: () => void,
 *   markSample: (digit: number | null) => void}}
 */
export function mountInput(root, { onInk, onDrawn, onSample, onClear }) {
  const pad = createPad(/** @type {HTMLCanvasElement} */ (part(root, "pad")), PADS.network, { onInk, onDrawn });
  const samples = part(root, "samples");
  samples.replaceChildren(...Array.from({ length: 10 }, (_, digit) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "digit";
    button.textContent = String(digit);
    button.dataset.testid = `sample-${digit}`;
    button.setAttribute("aria-label", `sample digit ${digit}`);
    button.addEventListener("click", () => onSample(digit));
    return button;
  }));
  part(root, "clear").addEventListener("click", () => {
    pad.clear();
    onClear();
  });
  return {
    image: pad.image,
    show: pad.show,
    clear: pad.clear,
    markSample(digit) {
      for (const button of samples.children) {
        button.setAttribute("aria-pressed", String(button.textContent === String(digit)));
      }
    },
  };
}
