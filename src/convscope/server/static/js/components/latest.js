// Ask the server about the newest input only: asks within `delay` ms are merged (the timer is not
// restarted, so continuous drawing still sends a request every `delay` ms or so) and at most one is in
// flight, so fast drawing never piles requests up. While drawing, each answer is still the newest one there is and
// is shown; after `drop()` (the pad was cleared, a sample picked) the answer in flight is stale and dropped.
// With `delay` 0 the request leaves as soon as the current event handler returns (a microtask, so asks
// made in one handler are still merged), not after a timer, which a busy page runs only after its next
// frame: tens of milliseconds that a weight edit would wait for nothing.

import { ASK_DELAY_MS } from "../config.js";

/**
 * @template Q, R
 * @param {(request: Q) => Promise<R>} send
 * @param {{onResult: (result: R, request: Q) => void, onError: (error: Error) => void,
 *   onBusy?: (busy: boolean) => void, delay?: number}} hooks  onBusy: whether an answer is still to come
 * @returns {{ask: (request: Q) => void, drop: () => void, cancel: () => void}}
 */
export function createLatest(send, { onResult, onError, onBusy = () => {}, delay = ASK_DELAY_MS }) {
  /** @type {{request: Q} | null} */
  let waiting = null;
  let busy = false;
  let closed = false;
  let generation = 0;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  let scheduled = false;

  async function flush() {
    timer = undefined;
    scheduled = false;
    if (busy || !waiting || closed) return;
    const { request } = waiting;
    const mine = generation;
    waiting = null;
    busy = true;
    try {
      const result = await send(request);
      if (mine === generation && !closed) onResult(result, request);
    } catch (err) {
      if (mine === generation && !closed) onError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      busy = false;
      if (waiting) flush();
      else onBusy(false);
    }
  }

  return {
    ask(request) {
      waiting = { request };
      onBusy(true);
      // A trailing debounce (restarting the timer) would send nothing while the pen keeps moving.
      if (scheduled) return;
      scheduled = true;
      if (delay > 0) timer = setTimeout(flush, delay);
      else queueMicrotask(flush);
    },
    drop() {
      generation += 1;
      waiting = null;
    },
    cancel() {
      closed = true;
      clearTimeout(timer);
    },
  };
}
