// One unit explained (POST /api/network/unit): its receptive field on the 32x32 input, what it reads,
// the rule it applies, and the numbers that give its value. The server computes all of them.

import { formatValue } from "../../draw/colors.js";
import { SIZES } from "../../config.js";

/** @typedef {import("../../types.js").UnitExplanation} UnitExplanation */
/**
 * @template W
 * @typedef {import("../../types.js").WeightedSum<W>} WeightedSum
 */
import { drawBars, drawMap, layerScale } from "../../draw/maps.js";

/** @param {string} tag @param {string} className @param {string} [text] */
function node(tag, className, text) {
  const el = document.createElement(tag);
  el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

/** "row 4" or "rows 4–8". @param {string} noun @param {number} a @param {number} b */
const span = (noun, a, b) => (a === b ? `${noun} ${a}` : `${noun}s ${a}–${b}`);

/** @param {number[]} box [r0, r1, c0, c1] */
const boxText = (box) => `${span("row", box[0], box[1])}, ${span("column", box[2], box[3])}`;

/**
 * @param {HTMLElement} el  emptied and refilled
 * @param {UnitExplanation | null} info  the unit's explanation, or null before one is chosen
 * @param {number[][] | null} input  the 32x32 input the network read
 */
export function renderUnit(el, info, input) {
  el.replaceChildren();
  el.dataset.layer = info?.layer ?? "";
  el.dataset.unit = info ? info.unit.join(",") : "";
  el.dataset.receptiveField = info ? info.receptive_field.input.join(",") : "";
  if (!info) {
    el.append(node("p", "hint", "Click any unit in any layer (or focus a map and use the arrow keys) to see "
      + "what it reads, its weights, and the sum that gives its value."));
    return;
  }
  const where = info.unit.length === 3 ? `map ${info.unit[0]}, row ${info.unit[1]}, column ${info.unit[2]}`
    : `entry ${info.unit[0]}`;
  el.append(node("p", "nw-unit-title", `${info.layer} · ${where}`));
  const value = node("p", "nw-unit-value", `value ${formatValue(info.value)}`);
  value.dataset.testid = "unit-value";
  el.append(value, node("p", "nw-rule", info.rule));
  // The sum first: the receptive field's per-layer list is long (13 lines for LeNet) and folds away.
  el.append(...details(info));
  el.append(fieldFigure(info.receptive_field, input));
}

/** @param {import("../../types.js").ReceptiveField} field @param {number[][] | null} input */
function fieldFigure(field, input) {
  const figure = node("figure", "nw-field");
  const [r0, r1, c0, c1] = field.input;
  if (input) {
    const canvas = document.createElement("canvas");
    canvas.dataset.testid = "receptive-field";
    canvas.dataset.receptiveField = field.input.join(",");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", `receptive field on the 32 by 32 input: ${boxText(field.input)}`);
    drawMap(canvas, input, { cell: SIZES.fieldSide / input.length, scale: null, box: { r0, r1, c0, c1 } });
    figure.append(canvas);
  }
  const caption = node("figcaption", "", `Receptive field: input ${boxText(field.input)} `
    + `(${r1 - r0 + 1}×${c1 - c0 + 1} of 32×32; geometric ${field.size.join("×")}).`);
  const more = /** @type {HTMLDetailsElement} */ (node("details", "nw-per-layer-more"));
  more.append(node("summary", "", `Where it reads in each of the ${field.per_layer.length} layers`));
  const list = node("ul", "nw-per-layer");
  for (const part of field.per_layer) {
    const [first, last] = (part.box ? part.channels : part.indices) ?? [0, 0];
    const text = part.box
      ? `${boxText(part.box)}, ${span("map", first, last)}`
      : span("entry", first, last).replace("entrys", "entries");
    const item = node("li", "", "");
    item.append(node("strong", "", part.layer), document.createTextNode(` ${text}`));
    list.append(item);
  }
  more.append(list);
  figure.append(caption, more);
  return figure;
}

/**
 * Small maps in a row, one per input channel, under a label.
 * @param {string} label @param {number[][][]} maps @param {number} cell
 */
function mapRow(label, maps, cell) {
  const row = node("div", "nw-unit-row");
  row.append(node("span", "nw-unit-label", label));
  const scale = layerScale(maps);
  const wrap = node("div", "nw-unit-maps");
  for (const [i, map] of maps.entries()) {
    const canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", `${label}, channel ${i + 1} of ${maps.length}: ${map.length} by ${map[0].length}`);
    drawMap(canvas, map, { cell, scale });
    wrap.append(canvas);
  }
  row.append(wrap);
  return row;
}

/** @param {string} label @param {number[]} values */
function barRow(label, values) {
  const row = node("div", "nw-unit-row");
  row.append(node("span", "nw-unit-label", label));
  const canvas = document.createElement("canvas");
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", `${label}: ${values.length} values as bars (the equation below gives the sum)`);
  // The panel leaves about 210 px beside the label; a long vector gets thin bars rather than overflow.
  drawBars(canvas, values, { width: Math.min(210, Math.max(100, values.length * 3)), height: 36, scale: layerScale(values),
    labels: values.length <= 10 });
  row.append(canvas);
  return row;
}

/** @param {WeightedSum<unknown>} info */
function equation(info) {
  const p = node("p", "nw-equation", `Σ weights × inputs = ${formatValue(info.dot)}\n`
    + `+ bias (${formatValue(info.bias)}) = ${formatValue(info.computed)}`);
  p.dataset.testid = "unit-equation";
  return p;
}

/**
 * The numbers behind the unit's value, by the kind of its layer.
 * @param {UnitExplanation} info @returns {HTMLElement[]}
 */
function details(info) {
  switch (info.kind) {
    case "conv": return convDetails(info);
    case "fc": return [
      node("p", "hint", `${info.weights.length} inputs, each times its own weight.`),
      barRow("weights", info.weights), barRow("inputs", info.inputs), barRow("products", info.products), equation(info),
    ];
    case "pool": return poolDetails(info);
    case "relu": return [node("p", "nw-equation", `max(0, ${formatValue(info.inputs[0])}) = ${formatValue(info.value)}`)];
    case "flatten": return [node("p", "nw-equation",
      `Copied from map ${info.source[0]}, row ${info.source[1]}, column ${info.source[2]}: ${formatValue(info.value)}`)];
    case "softmax": return [barRow("logits", info.inputs),
      node("p", "nw-equation", `exp(logit) / Σ exp(logits) = ${formatValue(info.value)}`)];
    default: return [];
  }
}

/** @param {import("../../types.js").ConvUnit} info */
function convDetails(info) {
  const channels = info.weights.length;
  const cell = channels > 1 ? 6 : 14;
  return [
    node("p", "hint", `${channels} input map${channels > 1 ? "s" : ""} × ${info.weights[0].length}×`
      + `${info.weights[0][0].length} window = ${info.weights.flat(2).length} products.`),
    mapRow("weights", info.weights, cell), mapRow("inputs", info.inputs, cell),
    mapRow("products", info.products, cell), equation(info), productNumbers(info),
  ];
}

/**
 * The products as numbers, on demand: one small table per input map, each cell weight × input (its
 * title says which), and that map's share of the sum.
 * @param {import("../../types.js").ConvUnit} info
 */
function productNumbers(info) {
  const more = /** @type {HTMLDetailsElement} */ (node("details", "nw-products"));
  more.dataset.testid = "unit-products";
  more.append(node("summary", "", `Show the ${info.weights.flat(2).length} products as numbers`));
  info.products.forEach((map, channel) => {
    const sum = map.flat().reduce((a, b) => a + b, 0);
    const label = info.products.length > 1 ? `input map ${channel}: ` : "";
    more.append(node("p", "nw-products-sum", `${label}Σ = ${formatValue(sum)}`));
    const table = node("table", "nw-window nw-products-table");
    map.forEach((row, i) => {
      const tr = document.createElement("tr");
      row.forEach((p, j) => {
        const td = node("td", "", formatValue(p));
        td.title = `${formatValue(info.weights[channel][i][j])} × ${formatValue(info.inputs[channel][i][j])}`;
        tr.append(td);
      });
      table.append(tr);
    });
    more.append(table);
  });
  return more;
}

/** @param {import("../../types.js").PoolUnit} info */
function poolDetails(info) {
  const { rows, cols, values } = info.window;
  const winner = info.winner;
  const table = node("table", "nw-window");
  values.forEach((row, i) => {
    const tr = document.createElement("tr");
    row.forEach((v, j) => {
      const win = winner && winner[0] === rows[i] && winner[1] === cols[j];
      tr.append(node("td", win ? "is-winner" : "", v === null ? "pad" : formatValue(v)));
    });
    table.append(tr);
  });
  const result = info.mode === "max" && winner
    ? `The largest, at row ${winner[0]}, column ${winner[1]}, wins: ${formatValue(info.value)}.`
    : `The average is ${formatValue(info.average ?? info.value)}.`;
  return [node("p", "hint", `Window on the input map: rows ${rows.join(", ")}; columns ${cols.join(", ")}.`),
    table, node("p", "nw-equation", result)];
}
