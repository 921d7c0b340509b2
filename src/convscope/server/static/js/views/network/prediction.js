// The network's answer (the predicted digit and its ten probabilities as bars) and the preprocessing
// strip that shows why an off-centre or oversized drawing still works: box, fit, centre, pad.

import { part as partOf } from "../../components/part.js";
import { COLORS, SIZES } from "../../config.js";
import { drawMap } from "../../draw/maps.js";

/**
 * @param {HTMLElement} el  the prediction panel (its parts found by data-part)
 * @param {import("../../types.js").PredictLesson | null} result  POST /api/network/predict's answer, or null before the first one
 */
export function renderPrediction(el, result) {
  const part = (/** @type {string} */ name) => partOf(el, name);
  const answer = part("answer");
  const message = part("message");
  const bars = part("bars");
  const empty = !result || result.empty;
  answer.dataset.prediction = empty ? "" : String(result.prediction);
  answer.dataset.empty = String(Boolean(result?.empty));
  part("answer-digit").textContent = empty ? "–" : String(result.prediction);
  message.hidden = !result?.empty;
  message.textContent = result?.empty ? result.message ?? "" : "";
  // An unusual drawing still gets its guess and bars: the notice says how far to trust them.
  const warning = part("warning");
  const why = empty ? null : result.check?.warning ?? null;
  warning.hidden = !why;
  warning.textContent = why ?? "";
  const probabilities = empty ? new Array(10).fill(0) : result.probabilities;
  bars.dataset.probabilities = probabilities.map((p) => p.toFixed(6)).join(",");
  if (bars.children.length !== probabilities.length) {
    bars.replaceChildren(...probabilities.map((_, digit) => {
      const row = document.createElement("li");
      row.innerHTML = `<span class="nw-prob-digit">${digit}</span><span class="nw-prob-track"><span class="nw-prob-bar"></span></span><span class="nw-prob-value"></span>`;
      return row;
    }));
  }
  probabilities.forEach((p, digit) => {
    const row = /** @type {HTMLElement} */ (bars.children[digit]);
    row.classList.toggle("is-top", !empty && digit === result.prediction);
    row.dataset.digit = String(digit);
    /** @type {HTMLElement} */ (row.querySelector(".nw-prob-bar")).style.width = `${(empty ? 0 : p) * 100}%`;
    /** @type {HTMLElement} */ (row.querySelector(".nw-prob-value")).textContent = empty ? "" : `${(p * 100).toFixed(1)}%`;
  });
}

/**
 * @typedef {{key: string, title: string, caption: string, image: number[][] | null,
 *   box?: number[] | null, centre?: boolean}} Stage
 */

/**
 * The preprocessing strip: each stage a small picture with a caption.
 * @param {HTMLElement} el  emptied and refilled
 * @param {import("../../types.js").Preprocessing | null} pre  the answer's `preprocessing`
 * @param {number[][] | null} drawing  the drawing sent, or the bundled digit's 28x28 original
 * @param {boolean} sample  whether it is a bundled digit
 */
export function renderPreprocessing(el, pre, drawing, sample) {
  // The server's box is half-open [top, bottom, left, right); the picture outlines inclusive cells.
  const box = pre?.box ? [pre.box[0], pre.box[1] - 1, pre.box[2], pre.box[3] - 1] : null;
  /** @type {Stage[]} */
  const stages = [
    { key: "drawing", title: sample ? "1. The sample" : "1. Your drawing", image: drawing, box,
      caption: box ? `ink in rows ${box[0]}–${box[1]}, columns ${box[2]}–${box[3]}` : "no ink" },
    { key: "cropped", title: "2. Bounding box", image: pre?.cropped ?? null, caption: "only the ink is kept" },
    { key: "fitted", title: "3. Fit in 20×20", image: pre?.fitted ?? null, caption: "scaled, aspect kept" },
    { key: "centred", title: "4. Centre in 28×28", image: pre?.centred ?? null, centre: true,
      caption: "centre of mass at the middle" },
    { key: "padded", title: "5. Pad to 32×32", image: pre?.padded ?? null, caption: "what the network reads" },
  ];
  el.replaceChildren(...stages.filter((s) => s.image && s.image.length > 0).map(stageFigure));
}

/** @param {Stage} stage */
function stageFigure(stage) {
  const figure = document.createElement("figure");
  figure.className = "nw-stage";
  figure.dataset.stage = stage.key;
  const image = /** @type {number[][]} */ (stage.image);
  figure.dataset.size = `${image.length}x${image[0].length}`;
  const canvas = document.createElement("canvas");
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", `${stage.title}: ${stage.caption}, ${image.length} by ${image[0].length}`);
  const cell = SIZES.stageSide / Math.max(image.length, image[0].length);
  const box = stage.box ? { r0: stage.box[0], r1: stage.box[1], c0: stage.box[2], c1: stage.box[3] } : null;
  drawMap(canvas, image, { cell, scale: null, box });
  if (stage.centre) crosshair(canvas, image.length * cell);
  const caption = document.createElement("figcaption");
  caption.innerHTML = `<strong></strong><span></span>`;
  /** @type {HTMLElement} */ (caption.children[0]).textContent = stage.title;
  /** @type {HTMLElement} */ (caption.children[1]).textContent =
    `${stage.caption} · ${image.length}×${image[0].length}`;
  figure.append(canvas, caption);
  return figure;
}

/** Thin guides through the middle: the centre of mass sits where they cross. @param {HTMLCanvasElement} canvas @param {number} side */
function crosshair(canvas, side) {
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
  ctx.strokeStyle = COLORS.windowGuide;
  ctx.lineWidth = 1;
  ctx.setLineDash([3, 3]);
  ctx.beginPath();
  ctx.moveTo(side / 2, 0);
  ctx.lineTo(side / 2, side);
  ctx.moveTo(0, side / 2);
  ctx.lineTo(side, side / 2);
  ctx.stroke();
}
