// The playground's windows, derived from the answer (the twin of convscope.lessons.playground_steps).
// The server sends the padded input, the kernel and the output; window i's positions, padding flags,
// values and products follow from them exactly, so they are not sent (127 of the default 148 KB).
// Each product is value × weight, one IEEE multiply that JavaScript rounds as NumPy does; the sum is
// the server's output cell. tests/e2e/test_playground_trace.py checks every number against the trace.

/** @typedef {import("../../types.js").PlaygroundLesson} PlaygroundLesson */
/** @typedef {import("../../types.js").TraceStep} TraceStep */

/**
 * How many windows the animation has: one per output cell, 0 when the kernel fits nowhere.
 * @param {PlaygroundLesson} result
 * @returns {number}
 */
export function stepCount(result) {
  const output = /** @type {number[][]} */ (result.output);
  return output.length * (output[0]?.length ?? 0);
}

/**
 * Window `index` (0-based, row-major), as convscope.trace.trace_convolution records it; null past the end.
 * @param {PlaygroundLesson} result
 * @param {number} index
 * @returns {TraceStep | null}
 */
export function windowStep(result, index) {
  if (!Number.isInteger(index) || index < 0 || index >= stepCount(result)) return null;
  const { stride, dilation, padding, input_size: size } = result.explanation;
  const output = /** @type {number[][]} */ (result.output);
  const padded = /** @type {number[][]} */ (result.padded);
  const kernel = /** @type {number[][]} */ (result.kernel);
  const cols = output[0].length;
  const r = Math.floor(index / cols);
  const c = index - r * cols;
  /** @type {TraceStep} */
  const step = { out: [r, c], positions: [], padding: [], values: [], products: [], sum: output[r][c] };
  kernel.forEach((row, i) => {
    const pr = r * stride[0] + i * dilation[0];
    row.forEach((weight, j) => {
      const pc = c * stride[1] + j * dilation[1];
      const value = padded[pr][pc];
      step.positions.push([pr, pc]);
      step.padding.push(!(pr >= padding[0] && pr < padding[0] + size[0] && pc >= padding[1] && pc < padding[1] + size[1]));
      step.values.push(value);
      step.products.push(value * weight + 0); // "+ 0": −0 shows as 0, as in the server's trace
    });
  });
  return step;
}

/**
 * The output cells whose windows read padded pixel `pixel` ([row, col]), row-major.
 * @param {PlaygroundLesson} result
 * @param {[number, number]} pixel
 * @returns {[number, number][]}
 */
export function cellsReading(result, pixel) {
  const output = /** @type {number[][]} */ (result.output);
  const kernel = /** @type {number[][]} */ (result.kernel);
  const { stride, dilation } = result.explanation;
  const rows = reaching(pixel[0], output.length, kernel.length, stride[0], dilation[0]);
  const cols = reaching(pixel[1], output[0]?.length ?? 0, kernel[0]?.length ?? 0, stride[1], dilation[1]);
  return rows.flatMap((r) => cols.map((c) => /** @type {[number, number]} */ ([r, c])));
}

/**
 * Along one axis: the output indices o (0..n-1) with a tap k (0..taps-1) at o·stride + k·dilation = at.
 * @param {number} at @param {number} n @param {number} taps @param {number} stride @param {number} dilation
 */
function reaching(at, n, taps, stride, dilation) {
  /** @type {number[]} */
  const found = [];
  for (let o = 0; o < n; o++) {
    const offset = at - o * stride;
    if (offset >= 0 && offset % dilation === 0 && offset / dilation < taps) found.push(o);
  }
  return found;
}
