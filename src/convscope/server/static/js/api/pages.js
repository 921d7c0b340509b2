// The Layers and Matrix & FFT pages' calls, built on api.js's transport (the only module that calls fetch).

/**
 * @typedef {import("../types-layers.js").LayersInputChoice} LayersInputChoice
 * @typedef {import("../types-layers.js").LayersRequest} LayersRequest
 * @typedef {import("../types-layers.js").LayersLesson} LayersLesson
 * @typedef {import("../types-matrix.js").MatrixRequest} MatrixRequest
 * @typedef {import("../types-matrix.js").MatrixLesson} MatrixLesson
 * @typedef {import("../types-matrix.js").FftRequest} FftRequest
 * @typedef {import("../types-matrix.js").FftLesson} FftLesson
 * @typedef {import("../types-matrix.js").TimingLesson} TimingLesson
 * @typedef {import("../types-matrix.js").TransposedRequest} TransposedRequest
 * @typedef {import("../types-matrix.js").TransposedLesson} TransposedLesson
 */

/** @param {import("../api.js").Transport} t */
export function pagesApi(t) {
  const base = t.base;
  return {
    // ---- the Layers page
    /** @returns {Promise<LayersInputChoice[]>} */
    layersInputs: () => t.requestJson(`${base}/layers/inputs`),
    /** @param {LayersRequest} request @returns {Promise<LayersLesson>} */
    layers: (request) => t.postJson(`${base}/layers`, request),
    // ---- Matrix & FFT ----
    /** @param {MatrixRequest} request @returns {Promise<MatrixLesson>} */
    convolutionMatrix: (request) => t.postJson(`${base}/matrix/matrix`, request),
    /** @param {FftRequest} request @returns {Promise<FftLesson>} */
    fft: (request) => t.postJson(`${base}/matrix/fft`, request),
    /** Measured once per server process (a few seconds the first time). @returns {Promise<TimingLesson>} */
    fftTiming: () => t.requestJson(`${base}/matrix/timing`),
    /** @param {TransposedRequest} request @returns {Promise<TransposedLesson>} */
    transposed: (request) => t.postJson(`${base}/matrix/transposed`, request),
  };
}
