// The words of flip-and-slide: its controls' markup, the sentences that change with the flip, and the
// link that opens the playground computing the same operation.

export const SLIDE_CONTROLS_HTML = `
  <div class="sig-choices">
    <label>Signals <select data-part="slide-source" data-testid="slide-source">
      <option value="shapes">shapes on a fine grid</option>
      <option value="drops">f and g from the ball drop</option></select></label>
    <label>f <select data-part="sf" data-testid="sf"></select></label>
    <label>g <select data-part="sg" data-testid="sg"></select></label>
  </div>
  <div class="sig-actions">
    <button type="button" data-part="box-box" data-testid="box-box" title="two unit boxes">box * box = triangle</button>
    <button type="button" data-part="box-box-box" data-testid="box-box-box" title="the triangle slid over a box">box * box * box → bell</button>
    <button type="button" data-part="repeat" data-testid="repeat">Repeat: f ← f * g</button>
    <button type="button" data-part="unrepeat" data-testid="unrepeat">Undo repeats</button>
    <button type="button" data-part="swap" data-testid="swap">Swap f and g (commutativity)</button>
    <button type="button" data-part="associate" data-testid="associate">(f * g) * h vs f * (g * h)</button>
  </div>
  <p class="explain" data-part="repeat-note" data-testid="repeat-note" aria-live="polite"></p>
  <div class="sig-pads" data-part="pads"></div>`;

/**
 * The sentence beside the slide, or beside the toggle; `drops`: the slide shows the ball drop's f and g.
 * @param {boolean} flip @param {"slide" | "toggle"} where @param {boolean} [drops]
 */
export function explainFlip(flip, where, drops = false) {
  if (where === "slide" && drops) {
    return flip
      ? "These are the ball drop's own f and g, one stem per whole step. At each whole t, g is flipped and shifted " +
        "to t; the products f(τ)·g(t − τ) are the pairs a + b = t lit above, and their sum is the ball drop's (f * g)(t): " +
        "the same bar. Change f or g above and this slide follows."
      : "The ball drop's f and g with g slid unflipped: the sum at lag t is Σ f(τ) g(τ − t), which pairs a with a + t " +
        "instead of a + b = t, so it is no longer the chance of a total. Turn the flip back on to get f * g again.";
  }
  if (where === "slide") {
    return flip
      ? "Write the ball drop's sum with b = t − a: (f * g)(t) = Σ f(τ) g(t − τ). For each t, g is flipped, " +
        "shifted to t and multiplied with f; the shaded area under the product is the result at t."
      : "Cross-correlation: g is shifted to t without the flip and multiplied with f; the shaded area is " +
        "the result at lag t. For a symmetric g (box, Gaussian) it matches convolution; for decay or spikes it does not.";
  }
  return flip
    ? "Convolution flips g. CNN libraries (PyTorch's conv2d, and our playground) slide the kernel unflipped, " +
      "which is cross-correlation: a learned kernel simply learns the flipped weights, so the flip buys nothing there."
    : "Unflipped: this is cross-correlation, what CNN layers and our playground compute. Because the kernel is " +
      "learned, dropping the flip loses nothing; turn the flip back on to see true convolution.";
}

/**
 * A playground link whose 3×3 kernel carries g's shape in its middle row (g sampled at three points
 * across its support). The playground never flips, so with the flip on the row is reversed first:
 * either way the playground computes what this toggle shows.
 * @param {number[] | null} g  g on the grid @param {boolean} flip
 */
export function playgroundLink(g, flip) {
  let row = [1, 1, 1];
  const nonzero = (g ?? []).map((v, i) => (Math.abs(v) > 1e-9 ? i : -1)).filter((i) => i >= 0);
  if (g && nonzero.length > 0) {
    const [first, last] = [nonzero[0], nonzero[nonzero.length - 1]];
    row = [0, 0.5, 1].map((q) => g[Math.round(first + q * (last - first))]);
    const top = Math.max(...row.map(Math.abs)) || 1;
    row = row.map((v) => Math.round((v / top) * 100) / 100);
  }
  if (flip) row = [...row].reverse();
  const matrix = ["3x3", 0, 0, 0, ...row, 0, 0, 0].join("_");
  return `#/playground?digit=3&index=0&matrix=${matrix}&padding=1`;
}
