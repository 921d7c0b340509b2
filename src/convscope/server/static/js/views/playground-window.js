// The arithmetic of the current window: each input value times its weight, then the sum.

import { formatValue } from "../draw/colors.js";

/**
 * Show step `step` (1-based; 0 shows a prompt) of `result.steps` as a table of products and a sum.
 * @param {HTMLElement} el  emptied and refilled
 * @param {any} result  the /api/convolve response
 * @param {number} step
 */
export function renderWindow(el, result, step) {
  const steps = /** @type {any[]} */ (result.steps);
  const kernel = /** @type {number[][]} */ (result.kernel);
  if (steps.length === 0) {
    el.replaceChildren(paragraph("The kernel does not fit inside the padded input, so there is nothing to compute."));
    return;
  }
  if (step === 0) {
    el.replaceChildren(paragraph("Press play or step forward: each step multiplies the window by the kernel and adds it up."));
    return;
  }
  const s = steps[step - 1];
  const cols = kernel[0].length;
  const heading = document.createElement("p");
  heading.className = "window-heading";
  heading.innerHTML = `output[<b>${s.out[0]}</b>, <b>${s.out[1]}</b>] = sum of pixel × weight`;
  const table = document.createElement("table");
  table.className = "products";
  table.dataset.testid = "window-products";
  table.setAttribute("aria-label", "pixel times weight for each kernel position");
  kernel.forEach((row, r) => {
    const tr = table.insertRow();
    row.forEach((weight, c) => {
      const i = r * cols + c;
      const td = tr.insertCell();
      td.textContent = `${formatValue(s.values[i])}×${formatValue(weight)}`;
      td.title = `pixel ${formatValue(s.values[i])} × weight ${formatValue(weight)} = ${formatValue(s.products[i])}`;
      if (s.padding[i]) td.className = "is-padding";
      else if (s.values[i] === 0 || weight === 0) td.className = "is-zero";
    });
  });
  const sum = document.createElement("p");
  sum.className = "window-sum";
  sum.dataset.testid = "window-sum";
  sum.dataset.value = String(s.sum);
  const shown = s.products.filter((/** @type {number} */ p) => p !== 0).slice(0, 4).map(formatValue);
  const more = s.products.filter((/** @type {number} */ p) => p !== 0).length > shown.length ? " + …" : "";
  sum.textContent = shown.length ? `Σ = ${shown.join(" + ")}${more} = ${formatValue(s.sum)}` : "Σ = 0: every product is 0";
  el.replaceChildren(heading, table, sum);
}

/** @param {string} text */
function paragraph(text) {
  const p = document.createElement("p");
  p.className = "hint";
  p.textContent = text;
  return p;
}
