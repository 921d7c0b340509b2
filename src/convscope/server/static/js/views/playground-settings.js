// Sliders for padding, kernel size, stride, dilation and speed: native range inputs with labels,
// their value beside them, and one sentence on what each does.

import { LIMITS, SPEEDS } from "../state.js";

/** @typedef {import("../state.js").PlaygroundState} PlaygroundState */
/** @typedef {"padding" | "size" | "stride" | "dilation" | "speed"} SliderKey */

/** @type {{key: SliderKey, label: string, hint: string, format: (v: number) => string}[]} */
const SLIDERS = [
  {
    key: "padding", label: "Padding", format: (v) => `${v}`,
    hint: "Zeros around the border: the window can centre on edge pixels, so the output shrinks less.",
  },
  {
    key: "size", label: "Kernel size", format: (v) => `${v}×${v}`,
    hint: "A bigger window averages more neighbours, so edges smudge, and the output loses K − 1 rows.",
  },
  {
    key: "stride", label: "Stride", format: (v) => `${v}`,
    hint: "How far the window jumps. Stride 2 skips every other position: the output is about half as wide.",
  },
  {
    key: "dilation", label: "Dilation", format: (v) => `${v}`,
    hint: "Spreads the kernel's taps apart: dilation 2 makes a 3×3 kernel see 5×5 pixels with nine weights.",
  },
];

/** @param {number} level */
export function speedLabel(level) {
  const rate = SPEEDS[level];
  return rate === Infinity ? "instant" : `${rate} step${rate === 1 ? "" : "s"}/s`;
}

/**
 * @param {HTMLElement} el  where the sliders go
 * @param {SliderKey[]} keys  which sliders, in order
 * @param {{onChange: (patch: Partial<PlaygroundState>) => void}} hooks
 * @returns {{update: (state: PlaygroundState) => void}}
 */
export function mountSettings(el, keys, { onChange }) {
  const all = [...SLIDERS, {
    key: /** @type {SliderKey} */ ("speed"), label: "Speed", format: speedLabel,
    hint: "Slow to follow each sum; instant to see the whole output.",
  }];
  const rows = keys.map((key) => /** @type {(typeof all)[number]} */ (all.find((s) => s.key === key))).map(({ key, label, hint, format }) => {
    const id = `pg-${key}`;
    const row = document.createElement("div");
    row.className = "setting";
    const head = document.createElement("label");
    head.htmlFor = id;
    head.className = "setting-label";
    const value = document.createElement("output");
    value.htmlFor.add(id);
    value.dataset.testid = `${key}-value`;
    head.append(label, value);
    const input = document.createElement("input");
    Object.assign(input, { type: "range", id, min: String(LIMITS[key][0]), max: String(LIMITS[key][1]), step: "1" });
    input.dataset.testid = key;
    input.setAttribute("aria-describedby", `${id}-hint`);
    const help = document.createElement("p");
    help.className = "hint";
    help.id = `${id}-hint`;
    help.textContent = hint;
    input.addEventListener("input", () => {
      const v = Number(input.value);
      value.textContent = format(v);
      input.setAttribute("aria-valuetext", format(v));
      onChange({ [key]: v });
    });
    row.append(head, input, help);
    el.append(row);
    return { key, input, value, format };
  });

  return {
    update(state) {
      for (const { key, input, value, format } of rows) {
        if (document.activeElement !== input || input.value !== String(state[key])) input.value = String(state[key]);
        value.textContent = format(state[key]);
        input.setAttribute("aria-valuetext", format(state[key]));
      }
    },
  };
}
