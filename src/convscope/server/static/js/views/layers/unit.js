// One output unit explained: for each input channel, the patch under the window times the filter's
// slice for that channel, and their sum; then the channel sums plus the bias add up to the unit's value.
// Every number is the server's (convscope.ops); this module only lays them out.

import { formatValue } from "../../draw/colors.js";

/** @typedef {import("../../types-layers.js").DepthUnit} DepthUnit */
/** @typedef {import("../../types-layers.js").DepthTerm} DepthTerm */

/** @param {string} text */
const escape = (text) => text.replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`);
/** A signed number for an equation: "+ 0.3" or "− 0.3". @param {number} v */
const signed = (v) => (v < 0 ? `− ${formatValue(-v)}` : `+ ${formatValue(v)}`);

/**
 * A k x k grid of numbers as a table; padding cells hatched.
 * @param {number[][]} grid @param {string} caption @param {boolean[][] | null} padding
 */
function table(grid, caption, padding) {
  const k = grid.length;
  const rows = grid.map((row, r) => `<tr>${row.map((v, c) => {
    const cls = padding?.[r][c] ? "is-padding" : v === 0 ? "is-zero" : "";
    return `<td class="${cls}">${formatValue(v)}</td>`;
  }).join("")}</tr>`).join("");
  return `<figure class="ly-grid"><table class="products${k > 4 ? " is-large" : ""}">${rows}</table>
    <figcaption>${caption}</figcaption></figure>`;
}

/** @param {DepthTerm} term @param {boolean[][]} padding */
function termHtml(term, padding) {
  const name = escape(term.channel);
  return `<div class="ly-term" data-testid="term-${name}">
    <h3>${name}</h3>
    <div class="ly-term-grids">
      ${table(term.patch, `input ${name}`, padding)}<span class="ly-op">⊙</span>
      ${table(term.weights, `filter's ${name} slice`, null)}<span class="ly-op">=</span>
      ${table(term.products, "products", padding)}
      <p class="ly-term-sum">Σ = <strong data-testid="sum-${name}" data-value="${term.sum}">${formatValue(term.sum)}</strong></p>
    </div>
  </div>`;
}

/**
 * @param {HTMLElement} el @param {DepthUnit | null} unit
 */
export function renderUnit(el, unit) {
  if (!unit) { el.innerHTML = `<p class="hint">Click a unit of the output volume.</p>`; return; }
  const where = `map ${unit.filter + 1}, row ${unit.row}, column ${unit.col}`;
  const parts = unit.terms.map((t, i) => `<span class="ly-part">${i === 0 ? formatValue(t.sum) : signed(t.sum)}
    <small>${escape(t.channel)}</small></span>`).join(" ");
  el.innerHTML = `
    <p class="ly-where" data-testid="unit-where">Unit at ${where}. Its window starts at row ${unit.top_left[0]},
      column ${unit.top_left[1]} of the padded input; hatched cells are padding (0).</p>
    <div class="ly-terms">${unit.terms.map((t) => termHtml(t, unit.padding)).join("")}</div>
    <p class="window-sum ly-total">${parts} <span class="ly-part">${signed(unit.bias)} <small>bias</small></span>
      = <strong data-testid="unit-total" data-value="${unit.total}">${formatValue(unit.total)}</strong></p>
    <p class="hint">The sum over ${unit.terms.length} channel${unit.terms.length > 1 ? "s" : ""} of every input
      value times its weight, plus the bias: the dot product across depth. The output volume holds
      <span data-testid="unit-value" data-value="${unit.value}">${formatValue(unit.value)}</span> at ${where}.</p>`;
}
