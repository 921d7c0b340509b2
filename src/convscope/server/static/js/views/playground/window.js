// The arithmetic of the current window: each input value times its weight, then the sum.

import { formatValue } from "../../draw/colors.js";
import { stepCount, windowStep } from "./trace.js";

/**
 * Show step `step` (1-based; 0 shows a prompt) of the answer's windows as a table of products and a sum.
 * @param {HTMLElement} el  emptied and refilled
 * @param {import("../../types.js").PlaygroundLesson} result  the /api/convolve response
 * @param {number} step
 * @param {boolean} [hovered]  the step is the output cell under the pointer, not the animation's
 */
export function renderWindow(el, result, step, hovered = false) {
  const kernel = /** @type {number[][]} */ (result.kernel);
  if (stepCount(result) === 0) {
    el.replaceChildren(paragraph("The kernel does not fit inside the padded input, so there is nothing to compute."));
    return;
  }
  if (step === 0) {
    el.replaceChildren(paragraph("Press play or step forward: each step multiplies the window by the kernel and adds it up."));
    return;
  }
  const s = windowStep(result, step - 1);
  if (!s) return;
  const cols = kernel[0].length;
  const heading = document.createElement("p");
  heading.className = "window-heading";
  heading.innerHTML = `output[<b>${s.out[0]}</b>, <b>${s.out[1]}</b>]<span class="explain"> = sum of pixel × weight</span>` +
    (hovered ? ' <span class="hovered">(under the pointer)</span>' : "");
  el.dataset.step = String(step);
  el.dataset.hovered = String(hovered);
  const table = document.createElement("table");
  table.className = cols > 5 ? "products is-large" : "products";
  table.dataset.testid = "window-products";
  table.setAttribute("aria-label", "pixel times weight for each kernel position");
  kernel.forEach((row, r) => {
    const tr = table.insertRow();
    row.forEach((weight, c) => {
      const i = r * cols + c;
      const td = tr.insertCell();
      const value = document.createElement("span");
      value.textContent = minus(formatValue(s.values[i]));
      const times = document.createElement("span");
      times.className = "weight";
      times.textContent = `×${minus(formatValue(weight))}`;
      td.append(value, times);
      td.title = `pixel ${formatValue(s.values[i])} × weight ${formatValue(weight)} = ${formatValue(s.products[i])}`;
      if (s.padding[i]) td.className = "is-padding";
      else if (s.values[i] === 0 || weight === 0) td.className = "is-zero";
    });
  });
  const sum = document.createElement("p");
  sum.className = "window-sum";
  sum.dataset.testid = "window-sum";
  sum.dataset.value = String(s.sum);
  const terms = s.products.filter((/** @type {number} */ p) => p !== 0);
  if (terms.length) {
    // The terms in smaller type than the total: on a projector the total is what must not wrap away.
    const shownTerms = document.createElement("span");
    shownTerms.className = "terms";
    shownTerms.textContent = `${joinTerms(terms.slice(0, 4))}${terms.length > 4 ? " + …" : ""}`;
    sum.append("Σ = ", shownTerms, ` = ${minus(formatValue(s.sum))}`);
  } else sum.textContent = "Σ = 0: every product is 0";
  el.replaceChildren(heading, table, sum);
}

/**
 * What a screen reader says for step `step` (1-based; 0 says nothing): the output cell, every product
 * that is not 0 and the sum, e.g. "output[7, 9] = 0.36 + 0.76 + 0.99 = 2.11".
 * @param {import("../../types.js").PlaygroundLesson} result
 * @param {number} step
 * @returns {string}
 */
export function announceStep(result, step) {
  const s = windowStep(result, step - 1);
  if (!s) return "";
  const cell = `output[${s.out[0]}, ${s.out[1]}]`;
  const terms = s.products.filter((/** @type {number} */ p) => p !== 0);
  const sum = minus(formatValue(s.sum));
  return terms.length ? `${cell} = ${joinTerms(terms)} = ${sum}` : `${cell} = ${sum}: every product is 0`;
}

/** Typographic minus, readable from the back of a classroom. @param {string} text */
function minus(text) {
  return text.replace(/^-/, "−");
}

/** "0.5 − 1.2 + 3" rather than "0.5 + -1.2 + 3". @param {number[]} terms */
function joinTerms(terms) {
  return terms
    .map((t, i) => (i === 0 ? minus(formatValue(t)) : `${t < 0 ? "−" : "+"} ${formatValue(Math.abs(t))}`))
    .join(" ");
}

/** @param {string} text */
function paragraph(text) {
  const p = document.createElement("p");
  p.className = "hint";
  p.textContent = text;
  return p;
}
