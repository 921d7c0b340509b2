// Export calls whose request is not a view's JSON (components/export.js sends those with exportFile):
// the Image kernels page's picture as raw RGBA bytes, as it travels to .../apply, and the Training page's
// figure, drawn from the job the server holds. Built on api.js's transport (the only module that calls fetch).

/**
 * @typedef {import("../types-kernels.js").Picture} Picture
 * @typedef {{blob: Blob, filename: string, note: string | null}} ExportedFile
 */

/** @param {import("../api.js").Transport} t */
export function exportsApi(t) {
  const base = t.base;
  return {
    /**
     * The Image kernels page as a file: the 2x figure, a script, or the picture the script loads.
     * @param {Picture} picture @param {Record<string, string>} query  kernelQuery(state) and the photo's name
     * @param {"png" | "numpy" | "torch" | "npy"} kind
     * @returns {Promise<ExportedFile>}
     */
    exportKernels: (picture, query, kind) => {
      const params = new URLSearchParams({ ...query, width: String(picture.width), height: String(picture.height) });
      const body = new Blob([/** @type {Uint8ClampedArray<ArrayBuffer>} */ (picture.rgba)]);
      return t.requestFile(`${base}/image-kernels/export/${kind}?${params}`,
        { method: "POST", headers: { "Content-Type": "application/octet-stream" }, body });
    },
    /** The last training run's curves and recipe as a 2x PNG. @returns {Promise<ExportedFile>} */
    trainingFigure: () => t.requestFile(`${base}/export/training/png`),
  };
}
