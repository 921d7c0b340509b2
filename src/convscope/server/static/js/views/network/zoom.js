// The selected unit's feature map, zoomed in the unit panel: large cells, the unit outlined, its
// receptive field's box where it falls on this map. Clicking a cell there explains that unit, so a
// neighbour is one precise click away however small the map is in the layer list.

import { COLORS, SIZES } from "../../config.js";
import { cellAt } from "../../draw/grid.js";
import { drawMap, layerScale } from "../../draw/maps.js";

/**
 * @typedef {import("../../types.js").LayerValues} Layer
 * @typedef {import("./layers.js").Selection} Selection
 */

/**
 * @param {HTMLElement} el  the zoom figure: emptied and filled with a canvas and its caption
 * @param {{onPick: (selection: Selection) => void}} hooks  a cell of the zoomed map was clicked
 * @returns {{render: (layer: Layer | null, unit: number[] | null) => void}}
 */
export function createZoom(el, { onPick }) {
  const canvas = document.createElement("canvas");
  canvas.dataset.testid = "zoom-map";
  canvas.setAttribute("role", "img");
  // Labelled from the start: the figure is in the page (hidden) before any unit is picked.
  canvas.setAttribute("aria-label", "a feature map, zoomed: pick a unit to show its map");
  const caption = document.createElement("figcaption");
  el.replaceChildren(canvas, caption);
  /** @type {{layer: Layer, channel: number, cell: number} | null} */
  let shown = null;

  canvas.addEventListener("click", (event) => {
    if (!shown) return;
    const { layer, channel, cell } = shown;
    const hit = cellAt(event.offsetX, event.offsetY, cell, layer.shape[1], layer.shape[2]);
    if (hit) onPick({ layer: layer.name, unit: [channel, ...hit] });
  });

  return {
    render(layer, unit) {
      el.hidden = !layer || !unit || layer.shape.length !== 3 || unit.length !== 3;
      if (el.hidden || !layer || !unit) {
        shown = null;
        return;
      }
      const [channel, row, col] = unit;
      const cell = Math.max(4, Math.floor(SIZES.zoomSide / Math.max(layer.shape[1], layer.shape[2])));
      shown = { layer, channel, cell };
      drawMap(canvas, layer.values[channel], {
        cell, scale: layerScale(layer.values),
        marks: [{ cell: /** @type {[number, number]} */ ([row, col]), color: COLORS.accent }],
      });
      canvas.dataset.layer = layer.name;
      canvas.dataset.channel = String(channel);
      canvas.dataset.cell = String(cell);
      canvas.setAttribute("aria-label", `${layer.name} map ${channel + 1}, zoomed: click a cell to explain it`);
      caption.textContent = `${layer.name}, map ${channel + 1} of ${layer.shape[0]}, zoomed: click any cell to explain it.`;
    },
  };
}
