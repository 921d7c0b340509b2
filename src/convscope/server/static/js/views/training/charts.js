// The training view's pictures: loss and accuracy curves against epochs (training per batch, held-out
// per epoch) and conv1's filters as small images. Functions of the record and the elements they fill.

import { COLORS, SIZES } from "../../config.js";
import { drawCurves } from "../../draw/curves.js";
import { drawMap, layerScale } from "../../draw/maps.js";
import { curves } from "./record.js";

const LOSS_NAMES = /** @type {Record<string, string>} */ ({
  cross_entropy: "cross-entropy", half_squared_error: "half squared error",
});

/** Training curves in the accent colour, held-out ones in the window's orange (as the keys in CSS). */
const SERIES = Object.freeze({ train: COLORS.accent, held: COLORS.window });

/**
 * @param {(name: string) => HTMLElement} part  the view's parts
 * @param {import("./record.js").TrainingRecord} record @param {string} loss  the loss being trained
 */
export function drawCharts(part, record, loss) {
  const c = curves(record);
  part("loss-key-train").textContent = `training ${LOSS_NAMES[loss] ?? loss} (per batch)`;
  part("loss-note").hidden = loss !== "half_squared_error";
  const width = Math.max(SIZES.chartMinWidth, part("loss-chart").parentElement?.clientWidth ?? 400) - 30;
  const chart = { width, height: SIZES.chartHeight, xMax: c.epochs, xLabel: "epoch" };
  drawCurves(/** @type {HTMLCanvasElement} */ (part("loss-chart")), { ...chart, yLabel: "loss", series: [
    { points: c.trainLoss, color: SERIES.train, faint: true }, { points: c.smoothLoss, color: SERIES.train },
    { points: c.valLoss, color: SERIES.held, dots: true }] });
  drawCurves(/** @type {HTMLCanvasElement} */ (part("accuracy-chart")), { ...chart, yLabel: "accuracy", yRange: [0, 1],
    series: [{ points: c.trainAccuracy, color: SERIES.train, faint: true }, { points: c.smoothAccuracy, color: SERIES.train },
      { points: c.valAccuracy, color: SERIES.held, dots: true }] });
  part("loss-chart").dataset.points = String(c.trainLoss.length);
  part("loss-chart").dataset.smooth = c.smoothLoss.map(([, v]) => v.toFixed(4)).join(",");
  part("accuracy-chart").dataset.heldOut = c.valAccuracy.map(([, v]) => v.toFixed(4)).join(",");
}

/**
 * conv1's filters as small images on one shared diverging scale, so their contrast compares.
 * @param {HTMLElement} el @param {number[][][] | null} filters
 */
export function drawFilters(el, filters) {
  if (!filters) {
    el.replaceChildren();
    el.dataset.count = "0";
    return;
  }
  while (el.children.length > filters.length) el.lastElementChild?.remove();
  while (el.children.length < filters.length) el.append(document.createElement("canvas"));
  const range = layerScale(filters);
  const scale = range.kind === "diverging" ? range : layerScale([-1e-9, ...filters.flat(2)]);
  filters.forEach((filter, i) => {
    const canvas = /** @type {HTMLCanvasElement} */ (el.children[i]);
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", `conv1 filter ${i + 1} of ${filters.length}, ${filter.length} by ${filter[0].length} weights`);
    drawMap(canvas, filter, { cell: SIZES.filterSide / filter.length, scale });
  });
  el.dataset.count = String(filters.length);
}
