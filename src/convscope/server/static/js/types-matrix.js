// The "Matrix & FFT" page's JSON contract (see types.js for the rule): one JSDoc type per record the
// server sends, named as its Python TypedDict (convscope.lessons.matrix, .spectra, .timing,
// .transposed), same keys; and the bodies the page posts. Types only: this module exports nothing.

// ---- the weight-sharing matrix: POST /api/matrix/matrix -------------------------------------------

/**
 * POST /api/matrix/matrix's body (MatrixRequest); every field has a default on the server.
 * @typedef {object} MatrixRequest
 * @property {1 | 2} dims @property {number} size  n (1-D) or the crop's side (2-D)
 * @property {number} kernel_size @property {number} stride @property {number} padding
 * @property {number} dilation @property {number} digit @property {number} [index]
 */

/**
 * The convolution and its matrix M, M @ x.ravel() = output.ravel() (MatrixLesson).
 * @typedef {object} MatrixLesson
 * @property {number} dims
 * @property {number[][]} input  x (H, W); a 1-D signal is one row
 * @property {number[][]} kernel  (kH, kW), unflipped
 * @property {number[][]} output  (O_h, O_w)
 * @property {number[][]} matrix  M (O_h·O_w, H·W)
 * @property {number[][]} weight_index  which weight each entry is, i*kW + j; -1: a structural zero
 * @property {number} stride @property {number} padding @property {number} dilation
 * @property {number} distinct_weights  k, the weights M shares
 * @property {number} nonzero_entries  entries holding a weight
 * @property {number} dense_weights  (H·W)·(O_h·O_w): a dense layer's weights
 * @property {string} source  where x came from
 */

// ---- the FFT: POST /api/matrix/fft ------------------------------------------------------------------

/** @typedef {{signal: number[], kernel: number[], zero_pad: boolean}} FftRequest */

/**
 * Convolution through the FFT, beside the direct result (FftLesson).
 * @typedef {object} FftLesson
 * @property {number[]} signal @property {number[]} kernel @property {boolean} zero_pad
 * @property {number} length  L, the DFT length
 * @property {number[]} frequencies  (L//2 + 1) cycles per sample
 * @property {number[]} signal_magnitude @property {number[]} signal_phase
 * @property {number[]} kernel_magnitude @property {number[]} kernel_phase
 * @property {number[]} product_magnitude @property {number[]} product_phase
 * @property {number[]} inverse  (L,) the product's inverse DFT
 * @property {number[]} direct  (n + k - 1,) the direct convolution
 * @property {boolean[]} wrapped  (L,) cells the wrapped tail lands on
 * @property {number[]} difference  (L,) inverse - direct[:L]
 * @property {number} max_difference
 */

// ---- direct against FFT, timed on the server: GET /api/matrix/timing -------------------------------

/**
 * Median seconds per signal length, the crossover and the fitted lines (TimingLesson).
 * @typedef {object} TimingLesson
 * @property {number[]} sizes @property {number} kernel_size @property {number} repeats
 * @property {number[]} direct @property {number[]} fft @property {boolean[]} fft_faster
 * @property {number | null} crossover  null: one method wins at every n
 * @property {string} faster_beyond  "direct" or "fft"
 * @property {number[]} direct_fit  a·n·k @property {number[]} fft_fit  b·n·log2(n)
 * @property {number} direct_per_nk @property {number} fft_per_nlogn
 * @property {number | null} predicted_crossover  null: past any float
 * @property {number} seconds @property {string} machine
 */

// ---- the transposed convolution: POST /api/matrix/transposed ---------------------------------------

/**
 * @typedef {{input_size: number, kernel_size: number, stride: number, padding: number,
 *   output_padding: number, dilation: number}} TransposedRequest
 */

/**
 * Three readings of one transposed convolution (TransposedLesson).
 * @typedef {object} TransposedLesson
 * @property {number[][]} input @property {number[][]} kernel
 * @property {number} stride @property {number} padding @property {number} output_padding
 * @property {number} dilation @property {number} output_size @property {string} formula
 * @property {number[][]} output  ops.conv_transpose2d's answer
 * @property {number[][]} by_matrix @property {number[][]} by_scatter @property {number[][]} by_zero_insertion
 * @property {number[][]} matrix  Mᵀ (H_out·W_out, H·W)
 * @property {number[][]} zero_inserted @property {number[][]} flipped_kernel
 * @property {number[][]} overlap  kernel taps per output cell
 * @property {number[][][]} paint_cells  per input, the output cells [r, c] it paints
 * @property {number[][][]} scatter_frames  the output after painting the first t inputs
 * @property {boolean} checkerboard @property {number} max_difference
 */

export {};
