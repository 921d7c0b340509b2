// The input volume, the filters as depth slices and the output volume, drawn from the lesson; the output
// maps pick a unit with the pointer or, when focused, the arrow keys (Enter or Space picks the first).

import { moveCell } from "../../components/grid-keys.js";
import { COLORS } from "../../config.js";
import { css, formatValue, outputScale } from "../../draw/colors.js";
import { cellAt, outlineBox, prepareCanvas } from "../../draw/grid.js";
import { drawMap, layerScale, valueRange } from "../../draw/maps.js";

/**
 * @typedef {import("../../types-layers.js").LayersLesson} LayersLesson
 * @typedef {import("../../draw/maps.js").Scale} Scale
 * @typedef {import("../../draw/colors.js").Rgb} Rgb
 */

/** Each colour slice from black to its own colour, so a slice reads as "how much red". */
const TINTS = /** @type {Record<string, Rgb>} */ ({ red: [230, 40, 30], green: [30, 170, 50], blue: [40, 80, 235] });
const OUTPUT_SIDE = 132;

/** @param {Rgb} top @returns {Scale} */
function tinted(top) {
  const rgb = (/** @type {number} */ v) => /** @type {Rgb} */ (top.map((c) => Math.round(c * Math.min(1, Math.max(0, v)))));
  return { kind: "sequential", min: 0, max: 1, rgb, color: (v) => css(rgb(v)), stops: [[0, 0, 0], top] };
}

/** @param {string} text @param {string} [className] */
function caption(text, className = "ly-caption") {
  const el = document.createElement("span");
  el.className = className;
  el.textContent = text;
  return el;
}

/** A canvas in a figure with its caption under it. @param {string} text @returns {[HTMLElement, HTMLCanvasElement]} */
function figure(text) {
  const fig = document.createElement("figure");
  fig.className = "ly-figure";
  const canvas = document.createElement("canvas");
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", text);
  fig.append(canvas, caption(text));
  return [fig, canvas];
}

/**
 * Draw C slices of [0, 1] values as one colour picture (3 slices) or greys (1 slice), with a box.
 * @param {HTMLCanvasElement} canvas @param {number[][][]} slices @param {number} cell
 * @param {import("../../draw/maps.js").Box | null} box
 */
export function drawPicture(canvas, slices, cell, box) {
  if (slices.length !== 3) { drawMap(canvas, slices[0], { cell, scale: null, box }); return; }
  const rows = slices[0].length;
  const cols = slices[0][0].length;
  const ctx = prepareCanvas(canvas, cols * cell, rows * cell);
  for (let r = 0; r < rows; r += 1) {
    for (let c = 0; c < cols; c += 1) {
      ctx.fillStyle = css(/** @type {Rgb} */ (slices.map((s) => Math.round(255 * s[r][c]))));
      ctx.fillRect(c * cell, r * cell, cell, cell);
    }
  }
  if (box) outlineBox(ctx, [box.r0, box.c0, box.r1, box.c1], cell, COLORS.accent, 2);
}

/**
 * The input: the picture and each slice, with the explained unit's window boxed on all of them.
 * @param {HTMLElement} el @param {LayersLesson} lesson
 */
export function renderInput(el, lesson) {
  const { input, unit, explanation } = lesson;
  const k = explanation.kernel_size[0];
  const pad = explanation.padding[0];
  const rows = input.slices[0].length;
  const cols = input.slices[0][0].length;
  const clampRow = (/** @type {number} */ v) => Math.min(rows - 1, Math.max(0, v));
  const clampCol = (/** @type {number} */ v) => Math.min(cols - 1, Math.max(0, v));
  const [top, left] = [unit.top_left[0] - pad, unit.top_left[1] - pad];
  const box = { r0: clampRow(top), r1: clampRow(top + k - 1), c0: clampCol(left), c1: clampCol(left + k - 1) };
  const count = input.slices.length === 3 ? 4 : 1;  // the picture and its three slices, on one row if they fit
  const room = Math.floor((el.clientWidth - 12 * count) / (count * cols));
  const cell = Math.max(2, Math.min(5, room || 4));
  const figures = [];
  if (input.slices.length === 3) {
    const [fig, canvas] = figure("the picture");
    drawPicture(canvas, input.slices, cell, box);
    figures.push(fig);
  }
  input.slices.forEach((slice, c) => {
    const name = input.channel_names[c];
    const [fig, canvas] = figure(`${name} slice`);
    drawMap(canvas, slice, { cell, scale: TINTS[name] ? tinted(TINTS[name]) : null, box });
    figures.push(fig);
  });
  el.replaceChildren(...figures);
}

/**
 * Every filter as its depth slices, the explained unit's filter marked. Each filter has its own diverging
 * scale (white is 0): on one shared scale a blur's 1/9 weights vanished beside a Sobel's 2s.
 * @param {HTMLElement} el @param {LayersLesson} lesson
 */
export function renderFilters(el, lesson) {
  const k = lesson.explanation.kernel_size[0];
  const cell = Math.max(5, Math.min(14, Math.floor(44 / k)));
  el.replaceChildren(...lesson.filters.map((filter) => {
    const row = document.createElement("div");
    row.className = "ly-filter";
    row.dataset.testid = `filter-${filter.index}`;
    row.classList.toggle("is-selected", filter.index === lesson.unit.filter);
    const title = caption(`${filter.index + 1}. ${filter.label}`, "ly-filter-label");
    const slices = document.createElement("div");
    slices.className = "ly-filter-slices";
    const scale = outputScale(valueRange(filter.slices), true);  // weights: always red +, blue −
    filter.slices.forEach((slice, c) => {
      const [fig, canvas] = figure(lesson.input.channel_names[c]);
      drawMap(canvas, slice, { cell, scale });
      slices.append(fig);
    });
    slices.append(caption(`+ bias ${formatValue(filter.bias)}`, "ly-bias"));
    row.append(title, slices);
    return row;
  }));
}

/**
 * The output volume: one clickable map per filter, each on its own colour scale (white is 0): filters
 * differ in scale (an edge filter's values dwarf a blur's), and one shared scale hid the blurs.
 * @param {HTMLElement} el
 * @param {{onSelect: (unit: number[], via: "pointer" | "key") => void}} hooks
 * @returns {{render: (lesson: LayersLesson) => void}}
 */
export function createVolume(el, { onSelect }) {
  /** @type {LayersLesson | null} */
  let shown = null;
  const cellOf = (/** @type {number[]} */ shape) => Math.max(2, Math.floor(OUTPUT_SIDE / Math.max(shape[1], shape[2])));

  el.addEventListener("click", (event) => {
    const canvas = /** @type {HTMLElement} */ (event.target);
    if (!shown || !(canvas instanceof HTMLCanvasElement)) return;
    const f = Number(canvas.dataset.filter);
    const hit = cellAt(event.offsetX, event.offsetY, cellOf(shown.output_shape), shown.output_shape[1], shown.output_shape[2]);
    if (hit) onSelect([f, ...hit], "pointer");
  });
  el.addEventListener("keydown", (event) => {
    const canvas = /** @type {HTMLElement} */ (event.target);
    if (!shown || !(canvas instanceof HTMLCanvasElement)) return;
    const f = Number(canvas.dataset.filter);
    const { unit, output_shape: shape } = shown;
    const here = unit.filter === f ? /** @type {[number, number]} */ ([unit.row, unit.col]) : null;
    const next = moveCell(here, event.key, shape[1], shape[2]) ?? (event.key === "Enter" || event.key === " " ? [0, 0] : null);
    if (!next) return;
    event.preventDefault();
    onSelect([f, ...next], "key");
  });

  return {
    render(lesson) {
      shown = lesson;
      const shape = lesson.output_shape;
      if (el.children.length !== shape[0]) {
        el.replaceChildren(...lesson.output.map((_, f) => {
          const [fig, canvas] = figure(`map ${f + 1}`);
          canvas.tabIndex = 0;
          canvas.dataset.filter = String(f);
          canvas.dataset.testid = `output-map-${f}`;
          canvas.setAttribute("role", "img");
          return fig;
        }));
      }
      const cell = cellOf(shape);
      el.querySelectorAll("canvas").forEach((canvas, f) => {
        const scale = layerScale(lesson.output[f]);
        const range = /** @type {HTMLElement} */ (canvas.nextElementSibling);
        range.textContent = `map ${f + 1}: ${formatValue(scale.min)} … ${formatValue(scale.max)}`;
        const marks = lesson.unit.filter === f
          ? [{ cell: /** @type {[number, number]} */ ([lesson.unit.row, lesson.unit.col]), color: COLORS.accent }] : [];
        drawMap(canvas, lesson.output[f], { cell, scale, marks });
        canvas.classList.toggle("is-selected", marks.length > 0);
        canvas.setAttribute("aria-label", `output map ${f + 1} of ${shape[0]} (${lesson.filters[f].label}), `
          + `${shape[1]}×${shape[2]}: click a unit or use the arrow keys to explain it`);
      });
    },
  };
}
