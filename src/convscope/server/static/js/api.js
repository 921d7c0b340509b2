// The only module that talks to the server. Every call returns parsed JSON or throws an Error whose
// message is the server's own (what to change), so views can show it instead of failing silently.

/**
 * @typedef {{number: number, index: number, count: number, image: number[][], original: number[][]}} Digit
 * @typedef {{name: string, label: string, description: string, sizes: number[], diverging: boolean}} KernelInfo
 * @typedef {{digit?: number, index?: number, image?: number[][], kernel: string | number[][],
 *   kernel_size?: number, padding: number, stride: number, dilation: number}} ConvolveRequest
 * @typedef {{image?: number[][], digit?: number, index?: number, model?: string}} NetworkInput
 */

/**
 * @param {string} url
 * @param {RequestInit} [init]
 * @returns {Promise<any>}
 */
async function requestJson(url, init) {
  const response = await fetch(url, init);
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    // convscope's errors carry `message`: one line naming the field and what is allowed.
    const detail = body?.message ?? body?.detail;
    const text = typeof detail === "string" ? detail : JSON.stringify(detail ?? response.statusText);
    throw new Error(`${response.status}: ${text}`);
  }
  return body;
}

/**
 * Create the API client. `base` is the URL prefix of the API (default "/api").
 * @param {string} [base]
 */
export function createApi(base = "/api") {
  return {
    /** @param {number} number @param {number} index @returns {Promise<Digit>} */
    digit: (number, index) => requestJson(`${base}/digits/${number}?index=${index}`),
    /** @returns {Promise<KernelInfo[]>} */
    kernels: () => requestJson(`${base}/kernels`),
    /** @param {ConvolveRequest} request @returns {Promise<any>} */
    convolve: (request) =>
      requestJson(`${base}/convolve`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(request),
      }),
    /** @param {NetworkInput} request @returns {Promise<any>} */
    predict: (request) => postJson(`${base}/network/predict`, request),
    /** @param {NetworkInput & {layer: string, unit: number[]}} request @returns {Promise<any>} */
    unit: (request) => postJson(`${base}/network/unit`, request),
    /** @param {"pretrained" | "trained"} [which]  default: the active model @returns {Promise<any>} */
    model: (which) => requestJson(`${base}/network/model${which ? `?model=${which}` : ""}`),
    /** @returns {Promise<any>} the job's status and history so far */
    training: () => requestJson(`${base}/training`),
    /** @param {Record<string, string | number | boolean>} settings @returns {Promise<{job: string}>} */
    startTraining: (settings) => postJson(`${base}/training`, settings),
    /** @returns {Promise<any>} */
    stopTraining: () => postJson(`${base}/training/stop`, {}),
    /** @returns {Promise<any>} */
    useTrained: () => postJson(`${base}/training/use`, {}),
    /** @param {"pretrained" | "trained"} model  the network view's model from now on @returns {Promise<any>} */
    useModel: (model) => postJson(`${base}/training/use`, { model }),
    /** The trained weights' address, for a download link (the browser fetches it). */
    weightsUrl: () => `${base}/training/weights`,
    /**
     * Follow the training job's event stream; returns a function that closes it.
     * @param {(event: any) => void} onEvent  each event's parsed JSON
     * @param {(open: boolean) => void} onConnection  whether the stream is connected
     */
    trainingEvents: (onEvent, onConnection) => {
      const source = new EventSource(`${base}/training/events`);
      source.onmessage = (message) => onEvent(JSON.parse(message.data));
      source.onopen = () => onConnection(true);
      source.onerror = () => onConnection(false);
      return () => source.close();
    },
  };
}

/**
 * @param {string} url @param {unknown} body
 * @returns {Promise<any>}
 */
function postJson(url, body) {
  return requestJson(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
}

/** @typedef {ReturnType<typeof createApi>} Api */
