// The image kernels page's calls: pictures travel as raw RGBA bytes or PNG, their records in a header.
// Built on api.js's transport (the only module that calls fetch).
//
// A picture is sent once (POST .../pictures) and then named by the id the server answered: a weight
// edit sends the kernel, not 1 MiB of pixels. The ids live in this client (a WeakMap from the page's
// Picture object, so a new picture gets a new upload and an old one is forgotten with it). The server
// keeps a bounded number of pictures; when it answers 404 about `picture` (dropped, or the server
// restarted), the picture is sent again once and the request retried.

/**
 * @typedef {import("../types-kernels.js").KernelInfoRecord} KernelInfoRecord
 * @typedef {import("../types-kernels.js").PhotoRecord} PhotoRecord
 * @typedef {import("../types-kernels.js").ImageRecord} ImageRecord
 * @typedef {import("../types-kernels.js").KernelResult} KernelResult
 * @typedef {import("../types-kernels.js").Inspection} Inspection
 * @typedef {import("../types-kernels.js").Picture} Picture
 * @typedef {import("../types-kernels.js").KernelQuery} KernelQuery
 * @typedef {import("../types-kernels.js").PictureRecord} PictureRecord
 */

/** The server no longer keeps the picture named (its refusal names the field). @param {unknown} err */
const unknownPicture = (err) => err instanceof Error && /^404: picture:/.test(err.message);

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
  const kept = `${base}/image-kernels/pictures`;
  /** @type {WeakMap<Picture, Promise<string>>} */
  const ids = new WeakMap();

  /** Send the picture (once: concurrent asks share the upload) and resolve to its id. @param {Picture} picture */
  function keep(picture) {
    let id = ids.get(picture);
    if (!id) {
      const [params, init] = rawPicture(picture, {});
      id = t.requestJson(`${kept}?${params}`, init).then((record) => /** @type {PictureRecord} */ (record).picture);
      id.catch(() => ids.delete(picture));  // a failed upload is tried again by the next request
      ids.set(picture, id);
    }
    return id;
  }

  /**
   * `call` with the picture's id; sent again and retried once when the server has dropped it.
   * @template R @param {Picture} picture @param {(url: string) => Promise<R>} call  url: the picture's base
   * @returns {Promise<R>}
   */
  async function withKept(picture, call) {
    const url = async () => `${kept}/${await keep(picture)}`;
    try {
      return await call(await url());
    } catch (err) {
      if (!unknownPicture(err)) throw err;
      ids.delete(picture);
      return call(await url());
    }
  }

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
    /**
     * The kept picture filtered, as RGB bytes (3 a pixel: a quarter fewer to move than RGBA each edit).
     * @param {Picture} picture @param {KernelQuery} query @returns {Promise<{bytes: ArrayBuffer, record: KernelResult}>}
     */
    applyKernel: (picture, query) => withKept(picture, (url) =>
      t.requestRaw(`${url}/apply?${new URLSearchParams({ ...query, pixels: "rgb" })}`, {}, "X-Convscope-Result")),
    /** @param {Picture} picture @param {KernelQuery} query @returns {Promise<{body: Blob, record: KernelResult}>} a PNG */
    applyKernelPng: (picture, query) => withKept(picture, (url) =>
      t.requestPicture(`${url}/apply.png?${new URLSearchParams(query)}`, {}, "X-Convscope-Result")),
    /** @param {Picture} picture @param {KernelQuery} query @param {number} x @param {number} y @returns {Promise<Inspection>} */
    inspectPixel: (picture, query, x, y) => withKept(picture, (url) =>
      t.requestJson(`${url}/inspect?${new URLSearchParams({ ...query, x: String(x), y: String(y) })}`)),
  };
}
