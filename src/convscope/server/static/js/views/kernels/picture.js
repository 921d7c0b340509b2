// Drawing the pictures: RGBA bytes straight into a canvas (no decoding), the legend from the server's
// scale record, and the inspected window over the input. Pure functions of their arguments.

import { COLORS } from "../../config.js";

/** @typedef {import("../../types-kernels.js").Picture} Picture */
/** @typedef {import("../../types-kernels.js").ScaleRecord} ScaleRecord */

/** Draw RGBA bytes into `canvas`, resizing it to the picture. @param {HTMLCanvasElement} canvas @param {Picture} picture */
export function drawPicture(canvas, picture) {
  if (canvas.width !== picture.width || canvas.height !== picture.height) {
    [canvas.width, canvas.height] = [picture.width, picture.height];
  }
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
  // The ImageData wraps the bytes (no copy: putImageData copies them into the canvas anyway).
  const rgba = /** @type {Uint8ClampedArray<ArrayBuffer>} */ (picture.rgba);
  ctx.putImageData(new ImageData(rgba, picture.width, picture.height), 0, 0);
}

/**
 * Draw RGB bytes (3 a pixel, row by row) into `canvas`, resizing it to the picture: each pixel is given
 * alpha 255 on its way into an ImageData (1.6-1.8 ms for 512x512 in headless chromium, measured under
 * load; moving RGBA's extra quarter of bytes cost 6-9 ms there). `reuse`, the ImageData this returned
 * last time, is filled again when its size fits: a fresh 1 MiB one each edit kept the garbage collector
 * busy (a 7 ms minor GC between the answer and the frame in a chromium trace).
 * @param {HTMLCanvasElement} canvas @param {ArrayBuffer} bytes @param {number} width @param {number} height
 * @param {ImageData | null} [reuse]
 * @returns {ImageData} the ImageData drawn, to pass back as `reuse`
 */
export function drawRgb(canvas, bytes, width, height, reuse = null) {
  const rgb = new Uint8Array(bytes);
  const image = reuse && reuse.width === width && reuse.height === height ? reuse : new ImageData(width, height);
  const rgba = image.data;
  for (let i = 0, j = 0; j < rgba.length; i += 3, j += 4) {
    rgba[j] = rgb[i];
    rgba[j + 1] = rgb[i + 1];
    rgba[j + 2] = rgb[i + 2];
    rgba[j + 3] = 255;
  }
  if (canvas.width !== width || canvas.height !== height) [canvas.width, canvas.height] = [width, height];
  /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d")).putImageData(image, 0, 0);
  return image;
}

/** @param {number} v  a value for a label: short, with its sign */
export const label = (v) => (Math.abs(v) >= 100 || v === 0 ? v.toFixed(0) : v.toPrecision(3));

/**
 * The legend: the scale's colours from low to high, and what they mean in words.
 * @param {HTMLCanvasElement} canvas @param {HTMLElement} text @param {ScaleRecord} scale
 */
export function drawLegend(canvas, text, scale) {
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
  const gradient = ctx.createLinearGradient(0, 0, canvas.width, 0);
  scale.stops.forEach(([r, g, b], i) => gradient.addColorStop(i / (scale.stops.length - 1), `rgb(${r},${g},${b})`));
  ctx.fillStyle = gradient;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const clipped = scale.below + scale.above;
  const words = {
    clamped: `0 → 255, values outside clipped (${(clipped * 100).toFixed(1)}% of them)`,
    signed: `${label(scale.low)} → 0 → ${label(scale.high)}: the middle colour is 0`,
    magnitude: `0 → ${label(scale.high)}`,
  };
  text.textContent = words[/** @type {keyof typeof words} */ (scale.kind)] ?? "";
}

/**
 * Outline the window the inspected pixel reads, over the input (in picture pixels).
 * @param {HTMLCanvasElement} overlay @param {Picture | null} picture
 * @param {{top: number, left: number, rows: number, cols: number} | null} window
 */
export function drawWindow(overlay, picture, window) {
  if (!picture) return;
  if (overlay.width !== picture.width || overlay.height !== picture.height) {
    [overlay.width, overlay.height] = [picture.width, picture.height];
  }
  const ctx = /** @type {CanvasRenderingContext2D} */ (overlay.getContext("2d"));
  ctx.clearRect(0, 0, overlay.width, overlay.height);
  if (!window) return;
  const line = Math.max(1, picture.width / 256);
  ctx.lineWidth = line;
  ctx.strokeStyle = COLORS.window;
  ctx.fillStyle = COLORS.windowTint;
  ctx.fillRect(window.left, window.top, window.cols, window.rows);
  ctx.strokeRect(window.left - line / 2, window.top - line / 2, window.cols + line, window.rows + line);
}

/**
 * The picture pixel under a pointer event on a canvas shown at any CSS size.
 * @param {HTMLCanvasElement} canvas @param {MouseEvent} event
 * @returns {[number, number]} [x, y]
 */
export function pixelAt(canvas, event) {
  const box = canvas.getBoundingClientRect();
  const x = Math.floor(((event.clientX - box.left) / box.width) * canvas.width);
  const y = Math.floor(((event.clientY - box.top) / box.height) * canvas.height);
  return [Math.min(canvas.width - 1, Math.max(0, x)), Math.min(canvas.height - 1, Math.max(0, y))];
}

/** Save a blob under `name` (the browser's download). @param {Blob} blob @param {string} name */
export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
