// Every layer's activations for the current input: feature maps as small images, vectors as bars, one
// colour scale per layer (diverging where it has negative values). Any unit can be picked with the
// pointer, or from the keyboard: arrows move within a focused map or bar chart.

import { moveCell, moveIndex } from "../../components/grid-keys.js";
import { COLORS, SIZES } from "../../config.js";
import { cellAt } from "../../draw/grid.js";
import { drawBars, drawMap, layerScale } from "../../draw/maps.js";

/**
 * @typedef {import("../../types.js").LayerValues} Layer
 * @typedef {{layer: string, unit: number[]}} Selection
 * @typedef {import("../../types.js").FieldRegion} FieldRegion
 */

const KIND_NAMES = /** @type {Record<string, string>} */ ({
  conv: "convolution", relu: "ReLU", tanh: "tanh", sigmoid: "sigmoid", pool: "max pooling", flatten: "flatten",
  fc: "fully connected", softmax: "softmax",
});

/** @param {number} v @param {number} n */
const clamp = (v, n) => Math.min(n - 1, Math.max(0, v));

/**
 * The unit an arrow key moves to inside a map (or along a vector); null for other keys.
 * @param {number[] | null} unit  the current unit if it is in this map or vector
 * @param {number[]} shape @param {number} channel @param {string} key
 * @returns {number[] | null}
 */
export function stepUnit(unit, shape, channel, key) {
  if (shape.length === 1) {
    const i = moveIndex(unit ? unit[0] : null, key, shape[0]);
    return i === null ? null : [i];
  }
  const cell = moveCell(unit ? [unit[1], unit[2]] : null, key, shape[1], shape[2]);
  return cell ? [channel, ...cell] : null;
}

/**
 * @param {HTMLElement} el  emptied and filled with one row per layer
 * @param {{onSelect: (selection: Selection, via: "pointer" | "key") => void}} hooks
 * @returns {{render: (layers: Layer[], selection: Selection | null, field: FieldRegion[]) => void}}
 */
export function createLayers(el, { onSelect }) {
  let structure = "";
  /** @type {{layer: Layer, selection: Selection | null, field: FieldRegion[]}[]} */
  let shown = [];

  /** Build the rows and their canvases (only when the network's layers change). @param {Layer[]} layers */
  function build(layers) {
    el.replaceChildren(...layers.map((layer) => {
      const row = document.createElement("section");
      row.className = `nw-layer nw-kind-${layer.kind}`;
      row.dataset.layer = layer.name;
      row.dataset.testid = `layer-${layer.name}`;
      const title = document.createElement("h3");
      title.innerHTML = `<span class="nw-layer-name"></span> <span class="nw-layer-kind"></span>
        <span class="nw-layer-shape"></span>`;
      /** @type {HTMLElement} */ (title.children[0]).textContent = layer.name;
      /** @type {HTMLElement} */ (title.children[1]).textContent = KIND_NAMES[layer.kind] ?? layer.kind;
      /** @type {HTMLElement} */ (title.children[2]).textContent = layer.shape.join("×");
      const maps = document.createElement("div");
      maps.className = "nw-maps";
      const count = layer.shape.length === 3 ? layer.shape[0] : 1;
      for (let channel = 0; channel < count; channel += 1) maps.append(unitCanvas(layer, channel));
      row.append(title, maps);
      return row;
    }));
  }

  /** @param {Layer} layer @param {number} channel */
  function unitCanvas(layer, channel) {
    const canvas = document.createElement("canvas");
    const isMap = layer.shape.length === 3;
    canvas.tabIndex = 0;
    canvas.className = isMap ? "nw-map" : "nw-bars";
    canvas.dataset.layer = layer.name;
    canvas.dataset.channel = String(channel);
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", isMap
      ? `${layer.name} map ${channel + 1} of ${layer.shape[0]}: click a pixel, or arrow keys, to explain a unit`
      : `${layer.name}, ${layer.shape[0]} values: click a bar, or arrow keys, to explain a unit`);
    canvas.addEventListener("click", (event) => {
      const unit = unitAt(layer.name, channel, event.offsetX, event.offsetY);
      if (unit) onSelect({ layer: layer.name, unit }, "pointer");
    });
    canvas.addEventListener("keydown", (event) => {
      const current = shown.find((s) => s.layer.name === layer.name);
      if (!current) return;
      const sel = current.selection?.layer === layer.name ? current.selection.unit : null;
      const mine = sel && (!isMap || sel[0] === channel) ? sel : null;
      const next = stepUnit(mine, layer.shape, channel, event.key)
        ?? (event.key === "Enter" || event.key === " " ? (isMap ? [channel, 0, 0] : [0]) : null);
      if (!next) return;
      event.preventDefault();
      onSelect({ layer: layer.name, unit: next }, "key");
    });
    return canvas;
  }

  /** @param {string} name @param {number} channel @param {number} x @param {number} y */
  function unitAt(name, channel, x, y) {
    const layer = shown.find((s) => s.layer.name === name)?.layer;
    if (!layer) return null;
    if (layer.shape.length === 1) {
      const width = /** @type {HTMLElement} */ (el.querySelector(`canvas[data-layer="${name}"]`)).clientWidth;
      return [clamp(Math.floor((x / width) * layer.shape[0]), layer.shape[0])];
    }
    const hit = cellAt(x, y, mapCell(layer), layer.shape[1], layer.shape[2]);
    return hit ? [channel, ...hit] : null;
  }

  return {
    render(layers, selection, field) {
      const key = layers.map((l) => `${l.name}:${l.shape.join("x")}`).join(",");
      shown = layers.map((layer) => ({ layer, selection, field }));
      if (key !== structure) {
        build(layers);
        structure = key;
      }
      const width = Math.max(160, el.clientWidth - 4);
      for (const layer of layers) drawLayer(el, layer, selection, field.find((f) => f.layer === layer.name) ?? null, width);
    },
  };
}

/** @param {Layer} layer */
function mapCell(layer) {
  return Math.max(2, Math.floor(SIZES.mapSide / Math.max(layer.shape[1], layer.shape[2])));
}

/**
 * Redraw one layer's canvases with the selected unit and its receptive field marked.
 * @param {HTMLElement} el @param {Layer} layer @param {Selection | null} selection
 * @param {FieldRegion | null} part @param {number} width
 */
function drawLayer(el, layer, selection, part, width) {
  const scale = layerScale(layer.values);
  const canvases = /** @type {HTMLCanvasElement[]} */ ([...el.querySelectorAll(`canvas[data-layer="${layer.name}"]`)]);
  const selected = selection?.layer === layer.name ? selection.unit : null;
  if (layer.shape.length === 1) {
    drawBars(canvases[0], layer.values, {
      width, height: layer.shape[0] <= 10 ? 56 : 40, scale, selected: selected ? selected[0] : null,
      labels: layer.shape[0] <= 10,  // a class vector: each bar is the digit it scores
      span: part?.indices && part.indices.length === 2 ? /** @type {[number, number]} */ (part.indices) : null,
    });
    return;
  }
  const cell = mapCell(layer);
  canvases.forEach((canvas, channel) => {
    const inField = part?.box && part.channels && channel >= part.channels[0] && channel <= part.channels[1];
    const box = inField && part?.box ? { r0: part.box[0], r1: part.box[1], c0: part.box[2], c1: part.box[3] } : null;
    const marks = selected && selected[0] === channel
      ? [{ cell: /** @type {[number, number]} */ ([selected[1], selected[2]]), color: COLORS.accent }] : [];
    drawMap(canvas, layer.values[channel], { cell, scale, box, marks });
    canvas.classList.toggle("is-selected", marks.length > 0);
  });
}
