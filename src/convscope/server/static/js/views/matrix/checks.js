// Settings the server would refuse, caught before asking: the page says what to change beside the
// controls (the same rule and wording as the server's 400, which stays the authority) instead of
// sending a request bound to fail. Pure functions.

/** @typedef {import("./state.js").MatrixState} MatrixState */

/**
 * Why the matrix section's settings cannot be drawn, or null.
 * @param {MatrixState} s @returns {string | null}
 */
export function matrixProblem(s) {
  const largest = Math.floor((s.size + 2 * s.padding - 1) / s.dilation) + 1;  // taps whose span fits n + 2p
  if (s.k <= largest) return null;
  return `kernel_size: must be at most ${largest} here: with dilation ${s.dilation} a ${s.k}-tap kernel spans ` +
    `${s.dilation * (s.k - 1) + 1} cells, more than the ${s.size + 2 * s.padding} of the padded input ` +
    "(make the kernel or the dilation smaller, or the padding larger)";
}

/**
 * Why the transposed convolution's settings are not allowed (PyTorch's rules), or null.
 * @param {MatrixState} s @returns {string | null}
 */
export function transposedProblem(s) {
  const most = Math.max(s.tStride, s.tDil) - 1;
  if (s.tOut > most) {
    return `output_padding: must be 0..${most}: smaller than the stride (${s.tStride}) or the dilation ` +
      `(${s.tDil}); it only picks among the sizes one convolution maps to the same output (got ${s.tOut})`;
  }
  const painted = (s.tIn - 1) * s.tStride + s.tDil * (s.tK - 1) + 1 + s.tOut;
  if (painted - 2 * s.tPad >= 1) return null;
  return `padding: must be at most ${Math.floor((painted - 1) / 2)} here: padding crops ${2 * s.tPad} of the ` +
    `${painted} painted cells along each side, leaving none (got ${s.tPad})`;
}
