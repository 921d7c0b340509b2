// Drawing a signal by hand: a plot of the grid's 121 values in [0, 1] that a pointer paints (every
// grid point between two pointer positions is set, so a fast stroke leaves no gaps).

import { drawFrame, drawLine } from "./axes.js";

const HEIGHT = 130;

/**
 * A pad in `wrap` for one signal.
 * @param {HTMLElement} wrap @param {{key: string, color: string, tau: () => number[],
 *   values: () => number[] | null, onDraw: (values: number[], done: boolean) => void}} hooks
 */
export function createPad(wrap, { key, color, tau, values, onDraw }) {
  const canvas = document.createElement("canvas");
  canvas.dataset.testid = `pad-${key}`;
  canvas.className = "sig-pad";
  canvas.setAttribute("aria-label", `draw ${key} by hand: drag across the plot`);
  wrap.append(canvas);
  /** @type {import("./axes.js").Frame | null} */
  let frame = null;
  /** @type {number | null} */
  let last = null;
  /** @type {number[]} */
  let working = [];

  function draw(/** @type {number} */ width) {
    const t = tau();
    frame = drawFrame(canvas, { width, height: HEIGHT, xRange: [t[0], t[t.length - 1]], yRange: [0, 1.05],
      xLabel: `τ: draw ${key} here` });
    drawLine(frame, t, values() ?? t.map(() => 0), { color, fill: "rgba(11, 95, 255, 0.10)" });
  }

  /** @param {PointerEvent} event */
  function paint(event) {
    const t = tau();
    if (!frame || t.length < 2) return;
    const rect = canvas.getBoundingClientRect();
    const px = event.clientX - rect.left;
    const py = event.clientY - rect.top;
    const { box } = frame;
    const index = Math.round(((px - box.left) / (box.right - box.left)) * (t.length - 1));
    const i = Math.max(0, Math.min(t.length - 1, index));
    const v = Math.max(0, Math.min(1, (box.bottom - py) / (box.bottom - box.top) / (1 / 1.05)));
    const from = last ?? i;
    for (let k = Math.min(from, i); k <= Math.max(from, i); k += 1) working[k] = Math.round(v * 63) / 63;
    last = i;
    onDraw([...working], false);
  }

  canvas.addEventListener("pointerdown", (event) => {
    working = [...(values() ?? tau().map(() => 0))];
    last = null;
    canvas.setPointerCapture(event.pointerId);
    paint(event);
  });
  canvas.addEventListener("pointermove", (event) => { if (last !== null) paint(event); });
  const end = () => {
    if (last === null) return;
    last = null;
    onDraw([...working], true);
  };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);

  return { draw, remove: () => canvas.remove() };
}
