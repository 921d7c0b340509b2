// Legends as small DOM fragments built from their arguments alone.

import { formatValue, gradientCss } from "./colors.js";

/**
 * A colour bar with its end values and a caption.
 * @param {HTMLElement} el  emptied and refilled
 * @param {{caption: string, stops: import("./colors.js").Rgb[], min: number, max: number}} legend
 */
export function renderColorBar(el, { caption, stops, min, max }) {
  el.replaceChildren();
  const bar = document.createElement("div");
  bar.className = "legend-bar";
  bar.style.background = gradientCss(stops);
  const ends = document.createElement("div");
  ends.className = "legend-ends";
  const mid = min < 0 && max > 0 ? "0" : "";
  for (const text of [formatValue(min), mid, formatValue(max)]) {
    const span = document.createElement("span");
    span.textContent = text;
    ends.append(span);
  }
  const label = document.createElement("div");
  label.className = "legend-caption";
  label.textContent = caption;
  el.append(label, bar, ends);
}

/**
 * Swatches that name the marks drawn on a grid (padding, window, dropped cells...).
 * @param {HTMLElement} el @param {{className: string, text: string}[]} items
 */
export function renderSwatches(el, items) {
  el.replaceChildren(
    ...items.map(({ className, text }) => {
      const item = document.createElement("span");
      item.className = "swatch-item";
      const swatch = document.createElement("span");
      swatch.className = `swatch ${className}`;
      swatch.setAttribute("aria-hidden", "true");
      item.append(swatch, document.createTextNode(text));
      return item;
    }),
  );
}
