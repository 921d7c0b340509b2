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
    hint: "Zeros around the border: the window can centre on edge pixels, so the output shrinks less.",
  },
  size: {
    key: "size", label: "Kernel size", format: (v) => `${v}×${v}`, range: LIMITS.size,
    hint: "A bigger window averages more neighbours, so edges smudge, and the output loses K − 1 rows.",
  },
  stride: {
    key: "stride", label: "Stride", format: (v) => `${v}`, range: LIMITS.stride,
    hint: "How far the window jumps. Stride 2 skips every other position: the output is about half as wide.",
  },
  dilation: {
    key: "dilation", label: "Dilation", format: (v) => `${v}`, range: LIMITS.dilation,
    hint: "Spreads the kernel's taps apart: dilation 2 makes a 3×3 kernel see 5×5 pixels with nine weights.",
  },
};

/**
 * @param {HTMLElement} el  where the sliders go
 * @param {SliderKey[]} keys  which sliders, in order
 * @param {{onChange: (patch: Partial<PlaygroundState>) => void}} hooks
 * @returns {{update: (state: PlaygroundState) => void}}
 */
export function mountSettings(el, keys, { onChange }) {
  const sliders = createSliders(el, keys.map((key) => SLIDERS[key]), { idPrefix: "pg", onChange });
  return { update: (state) => sliders.update(state) };
}
