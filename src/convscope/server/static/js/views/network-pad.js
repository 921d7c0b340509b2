// The drawing pad: a 280x280 canvas drawn with mouse, pen or finger (pointer events) in thick round
// strokes, like a marker on paper. It hands the drawing on as ink in [0, 1] at half resolution (140x140,
// small enough to send while drawing); the server does all the preprocessing.

export const PAD_SIZE = 280;
/** The drawing is sent at PAD_SIZE / SCALE pixels a side. */
const SCALE = 2;
const STROKE = 22;

/**
 * @param {HTMLCanvasElement} canvas  the pad
 * @param {{onDraw: () => void, onStrokeEnd: () => void}} hooks  onDraw fires on every pointer move
 * @returns {{image: () => number[][], clear: () => void, paint: (digit: number[][]) => void,
 *   isBlank: () => boolean}}
 */
export function mountPad(canvas, { onDraw, onStrokeEnd }) {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = PAD_SIZE * ratio;
  canvas.height = PAD_SIZE * ratio;
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d", { willReadFrequently: true }));
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  const side = PAD_SIZE / SCALE;
  const small = document.createElement("canvas");
  small.width = side;
  small.height = side;
  const smallCtx = /** @type {CanvasRenderingContext2D} */ (small.getContext("2d", { willReadFrequently: true }));
  /** @type {[number, number] | null} */
  let last = null;
  let blank = true;

  /** @param {PointerEvent} event @returns {[number, number]} */
  const point = (event) => {
    const rect = canvas.getBoundingClientRect();
    return [((event.clientX - rect.left) * PAD_SIZE) / rect.width, ((event.clientY - rect.top) * PAD_SIZE) / rect.height];
  };

  /** @param {[number, number]} to */
  function strokeTo(to) {
    const from = last ?? to;
    ctx.strokeStyle = "#000";
    ctx.lineWidth = STROKE;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.beginPath();
    ctx.moveTo(from[0], from[1]);
    // A zero-length segment with round caps draws a dot, so a tap leaves a mark.
    ctx.lineTo(to[0] + (from === to ? 0.01 : 0), to[1]);
    ctx.stroke();
    last = to;
    blank = false;
    onDraw();
  }

  canvas.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    canvas.setPointerCapture(event.pointerId);
    last = null;
    strokeTo(point(event));
    event.preventDefault();
  });
  canvas.addEventListener("pointermove", (event) => {
    if (last) strokeTo(point(event));
  });
  const end = () => {
    if (!last) return;
    last = null;
    onStrokeEnd();
  };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);

  return {
    image() {
      smallCtx.clearRect(0, 0, side, side);
      smallCtx.drawImage(canvas, 0, 0, side, side);
      const { data } = smallCtx.getImageData(0, 0, side, side);
      // The pad is transparent where nothing is drawn, so alpha is the ink.
      return Array.from({ length: side }, (_, r) =>
        Array.from({ length: side }, (_, c) => Math.round((data[(r * side + c) * 4 + 3] / 255) * 100) / 100));
    },
    clear() {
      ctx.clearRect(0, 0, PAD_SIZE, PAD_SIZE);
      last = null;
      blank = true;
    },
    paint(digit) {
      // A bundled digit, drawn large so a learner can add to it; each pixel is a square of ink.
      ctx.clearRect(0, 0, PAD_SIZE, PAD_SIZE);
      const cell = PAD_SIZE / digit.length;
      digit.forEach((row, r) => row.forEach((v, c) => {
        if (v <= 0) return;
        ctx.fillStyle = `rgba(0, 0, 0, ${v})`;
        ctx.fillRect(c * cell, r * cell, cell, cell);
      }));
      blank = false;
    },
    isBlank: () => blank,
  };
}
