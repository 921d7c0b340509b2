// Drawing helpers for the Matrix & FFT view: a grid of cells on a canvas (each weight its own colour,
// lit cells, outlines) and a grid of numbers as an HTML table. Pure: arguments in, pixels or markup out.

import { COLORS } from "../../config.js";
import { formatValue, textOn } from "../../draw/colors.js";
import { cellText, fillCells, gridLines, outlineCells, prepareCanvas } from "../../draw/grid.js";

/** One colour per kernel weight (index i*kW + j), distinct enough to follow along M's diagonals. */
export const WEIGHT_COLORS = Object.freeze([
  "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#edc948", "#76b7b2", "#ff9da7",
  "#9c755f", "#2f4b7c", "#bcbd22", "#17becf", "#8c564b", "#d62728", "#7f7f7f", "#1f77b4",
]);

/** @typedef {[number, number]} Cell */

/**
 * @typedef {object} CellStyle
 * @property {number} cell  side of a cell in CSS pixels
 * @property {(r: number, c: number) => string | null} fill
 * @property {((r: number, c: number) => string | null)} [text]
 * @property {Cell[]} [lit]  outlined in the hover colour
 * @property {Cell[]} [marked]  outlined in the window colour
 * @property {(ctx: CanvasRenderingContext2D) => void} [over]  anything drawn last (a window's box)
 */

/**
 * Draw `rows x cols` cells on `canvas`.
 * @param {HTMLCanvasElement} canvas @param {number} rows @param {number} cols @param {CellStyle} style
 */
export function drawCells(canvas, rows, cols, style) {
  const { cell } = style;
  const ctx = prepareCanvas(canvas, cols * cell + 1, rows * cell + 1);
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, cols * cell, rows * cell);
  fillCells(ctx, rows, cols, cell, style.fill);
  if (cell >= 5) gridLines(ctx, rows, cols, cell, COLORS.cellLines);
  if (style.text && cell >= 16) {
    for (let r = 0; r < rows; r += 1) {
      for (let c = 0; c < cols; c += 1) {
        const text = style.text(r, c);
        if (text !== null) cellText(ctx, r, c, cell, text, inkOn(style.fill(r, c)));
      }
    }
  }
  const width = Math.max(1.5, Math.min(3, cell / 4));
  if (style.marked?.length) outlineCells(ctx, style.marked, cell, { stroke: COLORS.window, width });
  if (style.lit?.length) outlineCells(ctx, style.lit, cell, { stroke: COLORS.hover, width });
  style.over?.(ctx);
  canvas.dataset.rows = String(rows);
  canvas.dataset.cols = String(cols);
  canvas.dataset.cell = String(cell);
}

/**
 * Black or white text, whichever reads on a "#rrggbb" or "rgb(r, g, b)" background (white if none).
 * @param {string | null} color
 */
export function inkOn(color) {
  const hex = color?.match(/^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i);
  const rgb = hex ? hex.slice(1).map((h) => parseInt(h, 16)) : (color?.match(/\d+(\.\d+)?/g) ?? ["255", "255", "255"]).map(Number);
  return textOn(/** @type {[number, number, number]} */ (rgb.slice(0, 3)));
}

/**
 * A grid of numbers as a table; `classOf(r, c)` adds a class per cell (e.g. "is-lit").
 * @param {number[][]} values @param {string} label  what the grid is, for screen readers
 * @param {(r: number, c: number) => string} [classOf]
 */
export function gridTable(values, label, classOf = () => "") {
  const rows = values.map((row, r) => `<tr>${row.map((v, c) => {
    const cls = classOf(r, c);
    return `<td${cls ? ` class="${cls}"` : ""}>${formatValue(v)}</td>`;
  }).join("")}</tr>`);
  return `<table class="mx-grid" aria-label="${label}"><tbody>${rows.join("")}</tbody></table>`;
}

/**
 * The cell under a pointer event on a canvas drawn by `drawCells`, or null.
 * @param {HTMLCanvasElement} canvas @param {MouseEvent} event @returns {Cell | null}
 */
export function cellUnder(canvas, event) {
  const box = canvas.getBoundingClientRect();
  const cell = Number(canvas.dataset.cell);
  const [rows, cols] = [Number(canvas.dataset.rows), Number(canvas.dataset.cols)];
  const r = Math.floor((event.clientY - box.top) / cell);
  const c = Math.floor((event.clientX - box.left) / cell);
  return cell > 0 && r >= 0 && r < rows && c >= 0 && c < cols ? [r, c] : null;
}
