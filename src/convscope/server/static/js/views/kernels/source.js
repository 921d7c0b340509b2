// Where the picture comes from: a bundled photo, the user's file, or a webcam snapshot. Each ends as
// a PNG the server made (upright, RGB, at most 512 px a side), decoded here into the RGBA bytes the
// view sends with every request. A failure is shown beside these controls; the previous picture stays.

import { part as partOf } from "../../components/part.js";
import { errorMessage, showError } from "../../components/error.js";

/** @typedef {import("../../types-kernels.js").Picture} Picture */
/** @typedef {import("../../types-kernels.js").PhotoRecord} PhotoRecord */
/** @typedef {import("../../types-kernels.js").ImageRecord} ImageRecord */

const SNAPSHOT_SIDE = 512;

/** A PNG's pixels, exactly as stored (no colour management, no premultiplied alpha). @param {Blob} png @returns {Promise<Picture>} */
export async function decodePng(png) {
  const bitmap = await createImageBitmap(png, { colorSpaceConversion: "none", premultiplyAlpha: "none" });
  const canvas = document.createElement("canvas");
  [canvas.width, canvas.height] = [bitmap.width, bitmap.height];
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d", { willReadFrequently: true }));
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return { rgba: ctx.getImageData(0, 0, canvas.width, canvas.height).data, width: canvas.width, height: canvas.height };
}

/** What to tell someone whose camera could not start. @param {unknown} err */
export function cameraMessage(err) {
  const name = err instanceof DOMException ? err.name : "";
  if (name === "NotAllowedError" || name === "SecurityError") {
    return "The camera permission was refused. Allow the camera for this page in the browser's site settings, or use a photo.";
  }
  if (name === "NotFoundError" || name === "OverconstrainedError") return "No camera was found. Plug one in, or use a photo or your own image.";
  if (name === "NotReadableError") return "The camera is busy in another application. Close it there, or use a photo.";
  return `The camera could not start (${errorMessage(err)}).`;
}

/**
 * @param {HTMLElement} root  the picture panel
 * @param {{api: import("../../api.js").Api, onPicture: (picture: Picture, label: string, photo: string | null) => void}} hooks
 */
export function mountSource(root, { api, onPicture }) {
  const part = (/** @type {string} */ name) => partOf(root, name);
  const select = /** @type {HTMLSelectElement} */ (part("photo"));
  const file = /** @type {HTMLInputElement} */ (part("file"));
  const video = /** @type {HTMLVideoElement} */ (part("video"));
  /** @type {MediaStream | null} */
  let stream = null;
  let ticket = 0;

  /** @param {() => Promise<{body: Blob, record: ImageRecord}>} fetchPng @param {string} label @param {string | null} photo */
  async function load(fetchPng, label, photo) {
    const mine = (ticket += 1);
    root.dataset.busy = "true";
    try {
      const { body, record } = await fetchPng();
      const picture = await decodePng(body);
      if (mine !== ticket) return;
      showError(part("source-error"), null);
      part("source-note").textContent = `${label}: ${record.width}×${record.height}. ${record.note}`.trim();
      onPicture(picture, label, photo);
    } catch (err) {
      if (mine === ticket) showError(part("source-error"), err, "Could not use this picture: ");
    } finally {
      if (mine === ticket) root.dataset.busy = "false";
    }
  }

  function stopCamera() {
    stream?.getTracks().forEach((track) => track.stop());
    stream = null;
    video.srcObject = null;
    video.hidden = true;
    part("snap").hidden = true;
  }

  async function startCamera() {
    showError(part("source-error"), null);
    if (!navigator.mediaDevices?.getUserMedia) {
      showError(part("source-error"), "This browser gives no camera access to this page (it needs https or localhost).");
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 } }, audio: false });
      video.srcObject = stream;
      video.hidden = false;
      part("snap").hidden = false;
      await video.play();
    } catch (err) {
      stopCamera();
      showError(part("source-error"), cameraMessage(err));
    }
  }

  async function snapshot() {
    const scale = Math.min(1, SNAPSHOT_SIDE / Math.max(video.videoWidth, video.videoHeight));
    const canvas = document.createElement("canvas");
    [canvas.width, canvas.height] = [Math.round(video.videoWidth * scale), Math.round(video.videoHeight * scale)];
    if (!canvas.width || !canvas.height) { showError(part("source-error"), "The camera has sent no picture yet; try again."); return; }
    /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d")).drawImage(video, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
    stopCamera();
    if (blob) await load(() => api.uploadImage(/** @type {Blob} */ (blob)), "Webcam snapshot", null);
  }

  select.addEventListener("change", () => load(() => api.photo(select.value), select.selectedOptions[0]?.text ?? select.value, select.value));
  file.addEventListener("change", () => {
    const chosen = file.files?.[0];
    if (chosen) load(() => api.uploadImage(chosen), chosen.name, null);
  });
  part("camera").addEventListener("click", startCamera);
  part("snap").addEventListener("click", snapshot);

  return {
    /** @param {PhotoRecord[]} photos @param {string} name */
    start(photos, name) {
      select.innerHTML = photos.map((p) => `<option value="${p.name}" title="${p.credit}, ${p.licence}">${p.title}</option>`).join("");
      select.value = photos.some((p) => p.name === name) ? name : photos[0]?.name ?? "";
      load(() => api.photo(select.value), select.selectedOptions[0]?.text ?? select.value, select.value);
    },
    destroy() { ticket += 1; stopCamera(); },
  };
}
