// The only module that talks to the server. Every call returns parsed JSON of the type the server
// promises (types.js) or throws an Error whose message is the server's own (what to change), so views
// can show it instead of failing silently.

import { exportsApi } from "./api/exports.js";
import { kernelsApi } from "./api/kernels.js";
import { pagesApi } from "./api/pages.js";
import { signalsApi } from "./api/signals.js";

/**
 * @typedef {import("./types.js").ConvolveRequest} ConvolveRequest
 * @typedef {import("./types.js").PlaygroundLesson} PlaygroundLesson
 * @typedef {import("./types.js").DigitLesson} DigitLesson
 * @typedef {import("./types.js").KernelRecord} KernelRecord
 * @typedef {import("./types.js").NetworkInput} NetworkInput
 * @typedef {import("./types.js").UnitRequest} UnitRequest
 * @typedef {import("./types.js").PredictLesson} PredictLesson
 * @typedef {import("./types.js").UnitExplanation} UnitExplanation
 * @typedef {import("./types.js").ModelLesson} ModelLesson
 * @typedef {import("./types-training.js").TrainingRequest} TrainingRequest
 * @typedef {import("./types-training.js").TrainingStarted} TrainingStarted
 * @typedef {import("./types-training.js").TrainingStatus} TrainingStatus
 * @typedef {import("./types-training.js").TrainingEvent} TrainingEvent
 * @typedef {import("./types.js").ErrorResponse} ErrorResponse
 */

/**
 * The answer as type T: the server's response models promise its shape, so it is not checked again here.
 * @template T
 * @param {string} url
 * @param {RequestInit} [init]
 * @returns {Promise<T>}
 */
async function requestJson(url, init) {
  const response = await fetch(url, init);
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    // convscope's errors carry `message`: one line naming the field and what is allowed.
    const error = /** @type {Partial<ErrorResponse> | null} */ (body);
    const detail = error?.message ?? error?.detail;
    const text = typeof detail === "string" ? detail : JSON.stringify(detail ?? response.statusText);
    throw new Error(`${response.status}: ${text}`);
  }
  return /** @type {T} */ (body);
}

/**
 * @template T
 * @param {string} url @param {unknown} body
 * @returns {Promise<T>}
 */
function postJson(url, body) {
  return requestJson(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
}

/**
 * The response to a request whose answer is not JSON; a refusal (a JSON error) throws as requestJson does.
 * @param {string} url @param {RequestInit} [init]
 * @returns {Promise<Response>}
 */
async function answered(url, init) {
  const response = await fetch(url, init);
  if (!response.ok) {
    const error = /** @type {Partial<ErrorResponse> | null} */ (await response.json().catch(() => null));
    throw new Error(`${response.status}: ${error?.message ?? response.statusText}`);
  }
  return response;
}

/**
 * A file the server answers (an export), with the name it suggests and its note (X-Export-Note, if any);
 * a refusal throws as requestJson does.
 * @param {string} url @param {unknown} body
 * @returns {Promise<{blob: Blob, filename: string, note: string | null}>}
 */
function postFile(url, body) {
  return requestFile(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
}

/**
 * As postFile, for any request (a GET, a raw picture as the body).
 * @param {string} url @param {RequestInit} [init]
 * @returns {Promise<{blob: Blob, filename: string, note: string | null}>}
 */
async function requestFile(url, init) {
  const response = await answered(url, init);
  const named = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "");
  // An animation says how many frames show how many steps (subsampled or not): the panel repeats it.
  const note = response.headers.get("x-export-note");
  return { blob: await response.blob(), filename: named ? named[1] : "convscope-export", note };
}

/**
 * The image kernels routes' answers: a body (PNG or RGBA bytes) and its record in a JSON header.
 * @template T
 * @param {string} url @param {RequestInit} init @param {string} header
 * @returns {Promise<{body: Blob, record: T}>}
 */
async function requestPicture(url, init, header) {
  const response = await answered(url, init);
  return { body: await response.blob(), record: /** @type {T} */ (JSON.parse(response.headers.get(header) ?? "null")) };
}

/**
 * As requestPicture, the body read straight into an ArrayBuffer: raw pixels the page draws at once. A
 * Blob of a large answer is handed to the browser's blob store and read back on `arrayBuffer()`, a
 * detour of several milliseconds per weight edit.
 * @template T
 * @param {string} url @param {RequestInit} init @param {string} header
 * @returns {Promise<{bytes: ArrayBuffer, record: T}>}
 */
async function requestRaw(url, init, header) {
  const response = await answered(url, init);
  return { bytes: await response.arrayBuffer(), record: /** @type {T} */ (JSON.parse(response.headers.get(header) ?? "null")) };
}

/**
 * An answer's bytes (a sound to play); a refusal throws as requestJson does.
 * @param {string} url
 * @returns {Promise<ArrayBuffer>}
 */
async function requestBytes(url) {
  return (await answered(url)).arrayBuffer();
}

/**
 * The requests every page's calls are made of: the per-page groups (api/*.js) build on these, so this
 * module stays the only one that calls fetch.
 * @param {string} base
 */
function transport(base) {
  return { base, requestJson, postJson, postFile, requestFile, requestPicture, requestRaw, requestBytes };
}
/** @typedef {ReturnType<typeof transport>} Transport */

/**
 * Create the API client. `base` is the URL prefix of the API (default "/api").
 * @param {string} [base]
 */
export function createApi(base = "/api") {
  return {
    /** @param {number} number @param {number} index @returns {Promise<DigitLesson>} */
    digit: (number, index) => requestJson(`${base}/digits/${number}?index=${index}`),
    /** @returns {Promise<KernelRecord[]>} */
    kernels: () => requestJson(`${base}/kernels`),
    /** @param {ConvolveRequest} request @returns {Promise<PlaygroundLesson>} */
    convolve: (request) => postJson(`${base}/convolve`, request),
    /** @param {NetworkInput} request @returns {Promise<PredictLesson>} */
    predict: (request) => postJson(`${base}/network/predict`, request),
    /** @param {UnitRequest} request @returns {Promise<UnitExplanation>} */
    unit: (request) => postJson(`${base}/network/unit`, request),
    /** @param {"pretrained" | "trained"} [which]  default: the active model @returns {Promise<ModelLesson>} */
    model: (which) => requestJson(`${base}/network/model${which ? `?model=${which}` : ""}`),
    /** @returns {Promise<TrainingStatus>} the job's status and history so far */
    training: () => requestJson(`${base}/training`),
    /** @param {TrainingRequest} settings @returns {Promise<TrainingStarted>} */
    startTraining: (settings) => postJson(`${base}/training`, settings),
    /** @returns {Promise<TrainingStatus>} */
    stopTraining: () => postJson(`${base}/training/stop`, {}),
    /** @returns {Promise<TrainingStatus>} */
    useTrained: () => postJson(`${base}/training/use`, {}),
    /** @param {"pretrained" | "trained"} model  the network view's model from now on @returns {Promise<TrainingStatus>} */
    useModel: (model) => postJson(`${base}/training/use`, { model }),
    /**
     * One backpropagation step explained (POST /api/training/step).
     * @param {import("./types-training.js").StepRequest} request
     * @returns {Promise<import("./types-training.js").StepExplanation>}
     */
    explainStep: (request) => postJson(`${base}/training/step`, request),
    // Exports (components/export.js): a figure, an animation, a script or the input it loads.
    /**
     * @param {string} view  e.g. "playground" @param {import("./types.js").ExportKind} kind
     * @param {Record<string, unknown>} request  the view's request (plus fps and frames for an animation)
     * @returns {Promise<{blob: Blob, filename: string, note: string | null}>}
     */
    exportFile: (view, kind, request) => postFile(`${base}/export/${view}/${kind}`, request),
    /** The trained weights' address, for a download link (the browser fetches it). */
    weightsUrl: () => `${base}/training/weights`,
    /**
     * Follow the training job's event stream; returns a function that closes it.
     * @param {(event: TrainingEvent) => void} onEvent  each event
     * @param {(open: boolean) => void} onConnection  whether the stream is connected
     * @returns {() => void}
     */
    trainingEvents: (onEvent, onConnection) => {
      const source = new EventSource(`${base}/training/events`);
      source.onmessage = (message) => onEvent(/** @type {TrainingEvent} */ (JSON.parse(message.data)));
      source.onopen = () => onConnection(true);
      source.onerror = () => onConnection(false);
      return () => source.close();
    },
    ...exportsApi(transport(base)),
    ...kernelsApi(transport(base)),
    ...pagesApi(transport(base)),
    ...signalsApi(transport(base)),
  };
}

/** @typedef {ReturnType<typeof createApi>} Api */
