// The activation: one filter's map before and after it (the same colour scale, so what it squashes or
// cuts is visible), and the function's curve with its slope, both from the server's ops.

import { COLORS } from "../../config.js";
import { formatValue } from "../../draw/colors.js";
import { prepareCanvas } from "../../draw/grid.js";
import { drawMap, layerScale } from "../../draw/maps.js";

/** @typedef {import("../../types-layers.js").ActivationView} ActivationView */
/** @typedef {import("../../types-layers.js").ActivationName} ActivationName */

export const ACTIVATION_BUTTONS = /** @type {[ActivationName, string][]} */ ([
  ["relu", "ReLU"], ["leaky_relu", "Leaky ReLU"], ["tanh", "tanh"], ["sigmoid", "Sigmoid"],
]);
const CURVE = { width: 260, height: 180, pad: 28 };

/**
 * f(x) (solid) and f'(x) (dashed) against x, with the axes through 0.
 * @param {HTMLCanvasElement} canvas @param {ActivationView} view
 */
export function drawCurve(canvas, view) {
  const { width, height, pad } = CURVE;
  const ctx = prepareCanvas(canvas, width, height);
  const { x, y, slope } = view.curve;
  const [x0, x1] = [x[0], x[x.length - 1]];
  const ys = [...y, ...slope, 0];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys, 1)];
  const px = (/** @type {number} */ v) => pad + ((v - x0) / (x1 - x0 || 1)) * (width - 2 * pad);
  const py = (/** @type {number} */ v) => height - pad - ((v - y0) / (y1 - y0 || 1)) * (height - 2 * pad);
  ctx.strokeStyle = COLORS.axis;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(pad, Math.round(py(0)) + 0.5); ctx.lineTo(width - pad, Math.round(py(0)) + 0.5);
  ctx.moveTo(Math.round(px(0)) + 0.5, pad); ctx.lineTo(Math.round(px(0)) + 0.5, height - pad);
  ctx.stroke();
  ctx.font = "12px system-ui, sans-serif";
  ctx.fillStyle = COLORS.text;
  ctx.textAlign = "center";
  ctx.fillText(formatValue(x0), px(x0), height - pad + 14);
  ctx.fillText(formatValue(x1), px(x1), height - pad + 14);
  ctx.textAlign = "right";
  ctx.fillText(formatValue(y1), pad - 3, py(y1) + 4);
  ctx.fillText(formatValue(y0), pad - 3, py(y0) + 4);
  for (const [values, color, dash] of /** @type {[number[], string, number[]][]} */ ([[y, COLORS.accent, []], [slope, COLORS.window, [5, 4]]])) {
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.setLineDash(dash);
    ctx.beginPath();
    values.forEach((v, i) => (i === 0 ? ctx.moveTo(px(x[i]), py(v)) : ctx.lineTo(px(x[i]), py(v))));
    ctx.stroke();
  }
  ctx.setLineDash([]);
}

/** @param {string} text @param {string} testid @returns {[HTMLElement, HTMLCanvasElement]} */
function figure(text, testid) {
  const fig = document.createElement("figure");
  fig.className = "ly-figure";
  const canvas = document.createElement("canvas");
  canvas.dataset.testid = testid;
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", text);
  const cap = document.createElement("figcaption");
  cap.className = "ly-caption";
  cap.textContent = text;
  fig.append(canvas, cap);
  return [fig, canvas];
}

/**
 * @param {HTMLElement} el @param {ActivationView} view @param {number} filter  which map (0-based)
 */
export function renderActivation(el, view, filter) {
  const scale = layerScale([view.before, view.after]);
  const cols = view.before[0].length;
  const cell = Math.max(2, Math.floor(132 / Math.max(view.before.length, cols)));
  const [beforeFig, before] = figure(`map ${filter + 1} before`, "activation-before");
  const [afterFig, after] = figure(`after ${view.label}`, "activation-after");
  const [curveFig, curve] = figure("", "activation-curve");
  drawMap(before, view.before, { cell, scale });
  drawMap(after, view.after, { cell, scale });
  drawCurve(curve, view);
  curve.setAttribute("aria-label", `the curve of ${view.label}, f(x) solid and its slope f′(x) dashed`);
  const caption = /** @type {HTMLElement} */ (curveFig.querySelector("figcaption"));
  caption.innerHTML = `<span class="ly-key-solid"></span> f(x) <span class="ly-key-dashed"></span> slope f′(x)`;
  const formula = document.createElement("p");
  formula.className = "ly-formula";
  formula.dataset.testid = "activation-formula";
  formula.textContent = `${view.label}: ${view.formula}${view.name === "leaky_relu" ? `, a = ${view.negative_slope}` : ""}`;
  const maps = document.createElement("div");
  maps.className = "ly-act-maps";
  maps.append(beforeFig, afterFig, curveFig);
  el.replaceChildren(formula, maps);
}
