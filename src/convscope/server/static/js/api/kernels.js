// The image kernels page's calls: pictures travel as raw RGBA bytes or PNG, their records in a header.
// Built on api.js's transport (the only module that calls fetch).

/**
 * @typedef {import("../types-kernels.js").KernelInfoRecord} KernelInfoRecord
 * @typedef {import("../types-kernels.js").PhotoRecord} PhotoRecord
 * @typedef {import("../types-kernels.js").ImageRecord} ImageRecord
 * @typedef {import("../types-kernels.js").KernelResult} KernelResult
 * @typedef {import("../types-kernels.js").Inspection} Inspection
 * @typedef {import("../types-kernels.js").Picture} Picture
 * @typedef {import("../types-kernels.js").KernelQuery} KernelQuery
 */

/**
 * A picture as the raw body the image kernels routes take, its size in the query.
 * @param {Picture} picture @param {Record<string, string>} query
 * @returns {[string, RequestInit]}
 */
function rawPicture(picture, query) {
  const params = new URLSearchParams({ ...query, width: String(picture.width), height: String(picture.height) });
  const body = new Blob([/** @type {Uint8ClampedArray<ArrayBuffer>} */ (picture.rgba)]);
  const init = { method: "POST", headers: { "Content-Type": "application/octet-stream" }, body };
  return [params.toString(), init];
}

/**
 * The Content-Type an upload travels as: its own when it is one of the four formats, else PNG, so the
 * server (which reads the bytes, not the name) says what the file really is.
 * @param {Blob} file
 */
function uploadType(file) {
  return ["image/png", "image/jpeg", "image/webp", "image/gif"].includes(file.type) ? file.type : "image/png";
}

/** @param {import("../api.js").Transport} t */
export function kernelsApi(t) {
  const base = t.base;
  return {
    /** @returns {Promise<KernelInfoRecord[]>} */
    imageKernels: () => t.requestJson(`${base}/image-kernels/kernels`),
    /** @returns {Promise<PhotoRecord[]>} */
    photos: () => t.requestJson(`${base}/image-kernels/photos`),
    /** @param {string} name @returns {Promise<{body: Blob, record: ImageRecord}>} a bundled photo as PNG */
    photo: (name) => t.requestPicture(`${base}/image-kernels/photos/${encodeURIComponent(name)}.png`, {}, "X-Convscope-Image"),
    /** @param {Blob} file  PNG, JPEG, WebP or GIF @returns {Promise<{body: Blob, record: ImageRecord}>} upright, <= 512 px, PNG */
    uploadImage: (file) => t.requestPicture(`${base}/image-kernels/image`,
      { method: "POST", headers: { "Content-Type": uploadType(file) }, body: file }, "X-Convscope-Image"),
    /** @param {Picture} picture @param {KernelQuery} query @returns {Promise<{body: Blob, record: KernelResult}>} RGBA bytes */
    applyKernel: (picture, query) => {
      const [params, init] = rawPicture(picture, query);
      return t.requestPicture(`${base}/image-kernels/apply?${params}`, init, "X-Convscope-Result");
    },
    /** @param {Picture} picture @param {KernelQuery} query @returns {Promise<{body: Blob, record: KernelResult}>} a PNG */
    applyKernelPng: (picture, query) => {
      const [params, init] = rawPicture(picture, query);
      return t.requestPicture(`${base}/image-kernels/apply.png?${params}`, init, "X-Convscope-Result");
    },
    /** @param {Picture} picture @param {KernelQuery} query @param {number} x @param {number} y @returns {Promise<Inspection>} */
    inspectPixel: (picture, query, x, y) => {
      const [params, init] = rawPicture(picture, { ...query, x: String(x), y: String(y) });
      return t.requestJson(`${base}/image-kernels/inspect?${params}`, init);
    },
  };
}
