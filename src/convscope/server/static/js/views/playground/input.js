// Choosing the input: an MNIST digit by its number, another sample of that number, or a drawing.

import { mountSketch, SKETCH_SIZE } from "./sketch.js";

/** @typedef {import("./state.js").PlaygroundState} PlaygroundState */

/**
 * @param {HTMLElement} el
 * @param {{onChange: (patch: Partial<PlaygroundState>) => void, onAnother: () => void}} hooks
 * @returns {{update: (state: PlaygroundState, count: number | null) => void}}
 */
export function mountInput(el, { onChange, onAnother }) {
  el.innerHTML = `
    <div class="digit-picker" role="group" aria-label="MNIST digit">
      ${Array.from({ length: 10 }, (_, n) =>
        `<button type="button" class="digit" data-digit="${n}" data-testid="digit-${n}"
          aria-label="digit ${n}" aria-pressed="false">${n}</button>`).join("")}
    </div>
    <div class="input-actions">
      <button type="button" data-testid="another">Another sample</button>
      <button type="button" data-testid="draw-toggle" aria-pressed="false">Draw your own</button>
    </div>
    <p class="hint" data-testid="sample-info"></p>
    <div class="sketch-box" data-part="sketch" hidden></div>`;
  const buttons = /** @type {HTMLButtonElement[]} */ ([...el.querySelectorAll(".digit")]);
  const another = /** @type {HTMLButtonElement} */ (el.querySelector('[data-testid="another"]'));
  const drawToggle = /** @type {HTMLButtonElement} */ (el.querySelector('[data-testid="draw-toggle"]'));
  const info = /** @type {HTMLElement} */ (el.querySelector('[data-testid="sample-info"]'));
  const sketchBox = /** @type {HTMLElement} */ (el.querySelector('[data-part="sketch"]'));
  const sketch = mountSketch(sketchBox, { onDrawn: (image) => onChange({ drawing: image }) });

  for (const button of buttons) {
    button.addEventListener("click", () => onChange({ digit: Number(button.dataset.digit), index: 0, drawing: null }));
  }
  another.addEventListener("click", () => onAnother());
  drawToggle.addEventListener("click", () => {
    const drawing = drawToggle.getAttribute("aria-pressed") === "true"
      ? null
      : Array.from({ length: SKETCH_SIZE }, () => new Array(SKETCH_SIZE).fill(0));
    onChange({ drawing });
  });

  return {
    update(state, count) {
      const drawing = state.drawing !== null;
      for (const button of buttons) {
        button.setAttribute("aria-pressed", String(!drawing && Number(button.dataset.digit) === state.digit));
      }
      another.disabled = drawing;
      drawToggle.setAttribute("aria-pressed", String(drawing));
      drawToggle.textContent = drawing ? "Back to MNIST digits" : "Draw your own";
      sketchBox.hidden = !drawing;
      if (state.drawing) sketch.show(state.drawing);
      const of = count === null ? "" : ` of ${count.toLocaleString("en")}`;
      info.textContent = drawing
        ? "Your drawing, 20×20: ink with the pointer; each stroke updates the convolution."
        : `Handwritten ${state.digit} from MNIST: sample ${state.index + 1}${of}, cropped to its 20×20 box.`;
    },
  };
}
