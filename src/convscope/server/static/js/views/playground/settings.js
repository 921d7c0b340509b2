// The playground's sliders: padding, kernel size, stride and dilation, each with one sentence on what
// it does. components/sliders.js draws them (and the player draws the speed slider).

import { createSliders } from "../../components/sliders.js";
import { LIMITS } from "../../config.js";

/** @typedef {import("./state.js").PlaygroundState} PlaygroundState */
/** @typedef {"padding" | "size" | "stride" | "dilation"} SliderKey */

/** @type {Record<SliderKey, import("../../components/sliders.js").SliderSpec>} */
const SLIDERS = {
  padding: {
    key: "padding", label: "Padding", format: (v) => `${v}`, range: LIMITS.padding,
    hint: "Zeros around the border, so the window can centre on edge pixels.",
  },
  size: {
    key: "size", label: "Kernel size", format: (v) => `${v}×${v}`, range: LIMITS.size,
    hint: "A bigger window averages more pixels; the output loses K − 1 rows.",
  },
  stride: {
    key: "stride", label: "Stride", format: (v) => `${v}`, range: LIMITS.stride,
    hint: "How far the window jumps: stride 2 about halves the output.",
  },
  dilation: {
    key: "dilation", label: "Dilation", format: (v) => `${v}`, range: LIMITS.dilation,
    hint: "Spreads the taps: at dilation 2 a 3×3 kernel spans 5×5 pixels.",
  },
};

/**
 * @param {HTMLElement} el  where the sliders go
 * @param {SliderKey[]} keys  which sliders, in order (with "padding", a "same padding" button under it)
 * @param {{onChange: (patch: Partial<PlaygroundState>) => void}} hooks
 * @returns {{update: (state: PlaygroundState) => void}}
 */
export function mountSettings(el, keys, { onChange }) {
  const sliders = createSliders(el, keys.map((key) => SLIDERS[key]), { idPrefix: "pg", onChange });
  const row = el.querySelector('[data-testid="padding"]')?.closest(".setting");
  const same = document.createElement("div");
  same.className = "same-padding";
  same.innerHTML = `<button type="button" class="inline" data-testid="same-padding" aria-describedby="pg-same-note"
    title="P = (K − 1)/2: the padding that keeps the output as big as the input at stride 1">Same padding</button>
    <span class="same-note" id="pg-same-note" data-testid="same-note"></span>`;
  row?.after(same);
  const button = /** @type {HTMLButtonElement} */ (same.querySelector("button"));
  const note = /** @type {HTMLElement} */ (same.querySelector(".same-note"));
  /** @type {number} */
  let wanted = 0;
  button.addEventListener("click", () => onChange({ padding: wanted }));
  return {
    update(state) {
      sliders.update(state);
      const plan = samePadding(state.size, state.dilation);
      wanted = Math.min(plan.padding, LIMITS.padding[1]);
      note.textContent = plan.padding > LIMITS.padding[1]
        ? `${plan.text}; the slider stops at ${LIMITS.padding[1]}.` : plan.text;
    },
  };
}

/**
 * The padding that keeps the size at stride 1, P = (K − 1)/2 with K the dilated kernel, and one sentence
 * on it; an even K has no centre, so no equal padding keeps the size.
 * @param {number} size  the kernel's side @param {number} dilation
 * @returns {{padding: number, text: string}}
 */
export function samePadding(size, dilation) {
  const k = dilation * (size - 1) + 1;
  const dilated = dilation > 1 ? ` (${size}×${size} dilated by ${dilation})` : "";
  if (k % 2 === 1) {
    const p = (k - 1) / 2;
    return { padding: p, text: `P = (${k} − 1)/2 = ${p}${dilated}` };
  }
  const p = (k - 2) / 2;
  return {
    padding: p,
    text: `K = ${k}${dilated} is even, so (K − 1)/2 = ${(k - 1) / 2} is not whole: padding ${p} on every side makes ` +
      `the output 1 smaller than the input, ${p + 1} makes it 1 bigger. PyTorch's padding="same" pads ${p} ` +
      `before and ${p + 1} after; equal padding can't.`,
  };
}
