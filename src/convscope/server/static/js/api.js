// The only module that talks to the server. Every call returns parsed JSON or throws an Error whose
// message is the server's `detail` (what to change), so views can show it instead of failing silently.

/**
 * @typedef {{number: number, index: number, count: number, image: number[][], original: number[][]}} Digit
 * @typedef {{name: string, label: string, description: string, sizes: number[], diverging: boolean}} KernelInfo
 * @typedef {{digit?: number, index?: number, image?: number[][], kernel: string | number[][],
 *   kernel_size?: number, padding: number, stride: number, dilation: number}} ConvolveRequest
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
    const detail = body && body.detail;
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
  };
}

/** @typedef {ReturnType<typeof createApi>} Api */
