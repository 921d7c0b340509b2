// The inspector: one output pixel taken apart. Hover the result (or focus it and use the arrow keys)
// and the server answers the pixel's K×K patch per channel, the weights as multiplied, the products and
// their sum; the tables show one channel at a time (any kernel size: small type for big kernels).

import { part as partOf } from "../../components/part.js";
import { moveCell } from "../../components/grid-keys.js";
import { label, pixelAt } from "./picture.js";

/** @typedef {import("../../types-kernels.js").Inspection} Inspection */

/** @param {number} v */
const cell = (v) => (Number.isInteger(v) ? String(v) : v.toFixed(Math.abs(v) < 10 ? 3 : 1));

/** @param {string} title @param {number[][]} rows @param {boolean[][]} [outside] @param {string} [testid] */
function table(title, rows, outside, testid = "") {
  const body = rows.map((row, r) => `<tr>${row.map((v, c) =>
    `<td${outside?.[r]?.[c] ? ' class="ik-outside" title="in the padding"' : ""}>${cell(v)}</td>`).join("")}</tr>`).join("");
  return `<figure class="ik-table"><figcaption>${title}</figcaption>
    <table data-testid="${testid}" class="${rows[0].length > 7 ? "ik-small" : ""}"><tbody>${body}</tbody></table></figure>`;
}

/** The record as tables: per term, the chosen channel's patch, the weights and the products. @param {Inspection} record @param {number} channel */
export function inspectionHtml(record, channel) {
  const c = Math.min(channel, record.values.length - 1);
  const names = record.terms[0].channels.map((ch) => ch.channel);
  const tabs = names.map((n, i) => `<button type="button" data-channel="${i}" data-testid="channel-${n}"
    aria-pressed="${i === c}">${n}</button>`).join("");
  const terms = record.terms.map((term, t) => {
    const ch = term.channels[c];
    return `<div class="ik-term"><h3>${term.label}</h3><div class="ik-tables">
      ${table(`${ch.channel} patch (padding shaded)`, ch.patch, record.outside, `patch-${t}`)}
      ${table("× weights", term.weights, undefined, `weights-${t}`)}
      ${table("= products", ch.products, record.outside, `products-${t}`)}</div>
      <p class="ik-sum" data-testid="sum-${t}">sum of products = <strong>${cell(ch.sum)}</strong></p></div>`;
  }).join("");
  const values = record.values.map((v, i) => `${names[i]} ${label(v)}`).join(", ");
  return `<div class="ik-tabs" role="group" aria-label="channel">${tabs}</div>${terms}
    <p data-testid="inspect-value">Output pixel (${record.x}, ${record.y}): ${values} (${record.formula}).</p>
    ${record.notes.map((n) => `<p class="ik-note">${n}</p>`).join("")}`;
}

/**
 * @param {HTMLElement} root  the view's root
 * @param {{onPixel: (pixel: [number, number]) => void, current: () => [number, number] | null}} hooks
 *   onPixel: a pixel was pointed at or stepped to; current: the pixel asked for last ([x, y])
 */
export function mountInspector(root, { onPixel, current }) {
  const part = (/** @type {string} */ name) => partOf(root, name);
  const canvas = /** @type {HTMLCanvasElement} */ (part("result"));
  const box = part("inspector");
  let channel = 0;
  /** @type {Inspection | null} */
  let shown = null;

  // pointermove for a mouse; pointerdown too, so a tap picks a pixel on a touch screen.
  for (const kind of ["pointermove", "pointerdown"]) {
    canvas.addEventListener(kind, (event) => onPixel(pixelAt(canvas, /** @type {PointerEvent} */ (event))));
  }
  canvas.addEventListener("keydown", (event) => {
    const pixel = current(); // not the shown one: keys pressed faster than answers still add up
    const at = pixel ? /** @type {[number, number]} */ ([pixel[1], pixel[0]]) : null;
    const step = event.shiftKey ? 10 : 1;
    const next = moveCell(at, event.key, canvas.height, canvas.width, step,
      [Math.floor(canvas.height / 2), Math.floor(canvas.width / 2)]);
    if (!next) return;
    event.preventDefault();
    onPixel([next[1], next[0]]);
  });
  box.addEventListener("click", (event) => {
    const button = /** @type {HTMLElement} */ (event.target).closest("[data-channel]");
    if (!(button instanceof HTMLElement) || !shown) return;
    channel = Number(button.dataset.channel);
    box.innerHTML = inspectionHtml(shown, channel);
  });

  return {
    /** @param {Inspection} record */
    show(record) {
      shown = record;
      part("inspect-where").textContent = `pixel (${record.x}, ${record.y}); arrow keys move it (Shift: 10 px)`;
      box.innerHTML = inspectionHtml(record, channel);
    },
    /** The window the shown pixel reads, for the input's overlay. */
    window() {
      if (!shown) return null;
      const rows = shown.outside.length;
      return { top: shown.top, left: shown.left, rows, cols: shown.outside[0].length };
    },
    clear() { shown = null; box.innerHTML = ""; },
  };
}
