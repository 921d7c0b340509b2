// Choosing the input: an MNIST digit by its number (at any size from 5 to 28), another sample of that
// number, a textbook example, or a drawing (the pad itself sits in the input panel, in the grid's place).

import { createSliders } from "../../components/sliders.js";
import { LIMITS } from "../../config.js";
import { PRESETS, showsPreset } from "./examples.js";
import { SKETCH_SIZE } from "./sketch.js";

/** @typedef {import("./state.js").PlaygroundState} PlaygroundState */

/** @type {import("../../components/sliders.js").SliderSpec} */
const SIZE_SLIDER = {
  key: "inputSize", label: "Input size", format: (v) => `${v}×${v}`, range: LIMITS.inputSize,
  hint: "The digit's side: below 20 its 20×20 box is shrunk, above it the margin grows (28: all of MNIST's image).",
};

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
    <div class="examples" role="group" aria-labelledby="pg-examples-label">
      <span id="pg-examples-label" class="setting-label">Textbook examples</span>
      ${PRESETS.map((p) => `<button type="button" class="example" data-testid="example-${p.id}" title="${p.about}"
        aria-pressed="false">${p.label}</button>`).join("")}
    </div>
    <div data-part="input-size-slider"></div>`;
  const buttons = /** @type {HTMLButtonElement[]} */ ([...el.querySelectorAll(".digit")]);
  const examples = /** @type {HTMLButtonElement[]} */ ([...el.querySelectorAll(".example")]);
  const find = (/** @type {string} */ id) => /** @type {HTMLElement} */ (el.querySelector(`[data-testid="${id}"]`));
  const another = /** @type {HTMLButtonElement} */ (find("another"));
  const drawToggle = /** @type {HTMLButtonElement} */ (find("draw-toggle"));
  const info = find("sample-info");
  const sizeHost = /** @type {HTMLElement} */ (el.querySelector('[data-part="input-size-slider"]'));
  const size = createSliders(sizeHost, [SIZE_SLIDER], { idPrefix: "pg", onChange: (patch) => onChange({ inputSize: patch.inputSize }) });
  const sizeInput = /** @type {HTMLInputElement} */ (sizeHost.querySelector("input"));

  for (const button of buttons) {
    button.addEventListener("click", () =>
      onChange({ digit: Number(button.dataset.digit), index: 0, drawing: null, example: null }));
  }
  examples.forEach((button, i) => button.addEventListener("click", () => onChange(PRESETS[i].patch)));
  another.addEventListener("click", () => onAnother());
  drawToggle.addEventListener("click", () => {
    const drawing = drawToggle.getAttribute("aria-pressed") === "true"
      ? null
      : Array.from({ length: SKETCH_SIZE }, () => new Array(SKETCH_SIZE).fill(0));
    onChange({ drawing, example: null });
  });

  return {
    update(state, count) {
      const drawing = state.drawing !== null;
      const digit = !drawing && !state.example;
      for (const button of buttons) {
        button.setAttribute("aria-pressed", String(digit && Number(button.dataset.digit) === state.digit));
      }
      examples.forEach((button, i) => button.setAttribute("aria-pressed", String(showsPreset(state, PRESETS[i]))));
      another.disabled = !digit;
      drawToggle.setAttribute("aria-pressed", String(drawing));
      drawToggle.textContent = drawing ? "Back to MNIST digits" : "Draw your own";
      size.update(state);
      // The size belongs to the digit: a drawing is 20×20 and an example has its own.
      sizeInput.disabled = !digit;
      const of = count === null ? "" : ` of ${count.toLocaleString("en")}`;
      const side = state.inputSize;
      const fitted = side === 20 ? "cropped to its 20×20 box" : side < 20 ? `its 20×20 box shrunk to ${side}×${side}`
        : `the ${side}×${side} window around its ink`;
      info.textContent = drawing
        ? "Your drawing, 20×20: ink with the pointer; each stroke updates the convolution."
        : state.example ? "A textbook example: small enough to check every sum by hand."
          : `Handwritten ${state.digit} from MNIST: sample ${state.index + 1}${of}, ${fitted}.`;
    },
  };
}
