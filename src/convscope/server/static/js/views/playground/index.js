// The convolution playground: pick an input and settings, then watch the kernel's window slide over
// the padded input while the output fills in cell by cell. The server computes every number (the
// trace of windows, the explanation of validity); this module wires controls, player and drawing.

import { errorMessage, showError, SERVER_FAILED } from "../../components/error.js";
import { part as partOf, renderRoot } from "../../components/part.js";
import { createPlayer } from "../../components/player.js";
import { mountInput } from "./input.js";
import { mountKernel } from "./kernel.js";
import { mountSettings } from "./settings.js";
import { createConvolutionStage } from "./stage.js";
import { applyPatch, checkAgainstCatalogue, playgroundFromParams, playgroundToParams } from "./state.js";
import { PLAYGROUND_HTML } from "./template.js";
import { noOutput, renderValidity, slidersReach } from "./validity.js";
import { announceStep, renderWindow } from "./window.js";

/** @typedef {import("./state.js").PlaygroundState} PlaygroundState */

/** @type {import("../../view.js").View<PlaygroundState & {notes?: string[]}>} */
export const view = {
  route: "playground",
  title: "Convolution playground",
  stateFromUrl: playgroundFromParams,
  stateToUrl: playgroundToParams,
  mount,
};

/**
 * @param {HTMLElement} el
 * @param {import("../../view.js").ViewContext<PlaygroundState & {notes?: string[]}>} ctx
 * @returns {() => void} unmount
 */
function mount(el, { api, state: initial, onState }) {
  const root = renderRoot(el, PLAYGROUND_HTML);
  const part = (/** @type {string} */ name) => partOf(root, name);
  const { notes: linkNotes = [], ...given } = initial;
  /** @type {PlaygroundState} */
  let state = given;
  /** @type {import("../../types.js").PlaygroundLesson | null} */
  let result = null;
  /** @type {import("../../types.js").KernelRecord[]} */
  let kernels = [];
  /** @type {number | null} */
  let count = null;
  let note = "";
  let ticket = 0;
  let alive = true;

  const stage = createConvolutionStage(root);
  const sliders = mountSettings(part("sliders"), ["size", "padding", "stride", "dilation"], { onChange: apply });
  const kernel = mountKernel(part("kernel"), { onChange: apply });
  const input = mountInput(part("input-controls"), { onChange: apply, onAnother: another });
  const player = createPlayer(part("transport"), part("speed"), {
    speed: () => state.speed,
    onSpeed: (level) => apply({ speed: level }),
    count: () => (result ? result.steps.length : null),
    onStep: (step) => {
      if (!result) return;
      stage.render(result, step);
      renderWindow(part("window"), result, step);
      part("announce").textContent = announceStep(result, step);
    },
    onPlaying: (playing) => { if (!playing) publish(); },
    onSeek: publish,
  }, "pg");

  /** Merge a change, keep kernel and size consistent (saying so when a choice had to change), reload. */
  function apply(/** @type {Partial<PlaygroundState>} */ patch) {
    const merged = applyPatch(state, patch, kernels);
    note = merged.note;
    if (patch.digit !== undefined && patch.digit !== state.digit) loadCount(patch.digit);
    state = merged.next;
    refresh();
  }

  async function refresh() {
    const mine = (ticket += 1);
    busy(true);
    const source = state.drawing ? { image: state.drawing } : { digit: state.digit, index: state.index };
    const kernelPart = state.matrix ? { kernel: state.matrix } : { kernel: state.kernel, kernel_size: state.size };
    try {
      const next = await api.convolve({
        ...source, ...kernelPart, padding: state.padding, stride: state.stride, dilation: state.dilation,
      });
      if (mine !== ticket) return;
      const n = next.steps.length;
      // Keep a finished animation finished; otherwise keep the place, within the new number of steps.
      const step = player.step();
      const wanted = result === null ? (state.step ?? Math.min(1, n)) : step === result.steps.length ? n : step;
      result = next;
      showError(part("error"), null);
      render(next, Math.min(n, Math.max(0, wanted)));
      // Settings reach the URL even mid-animation (a link copied while playing must share them);
      // only the step waits for a pause, so frames don't flood the history API.
      onState({ ...state, step: player.step() });
    } catch (err) {
      if (mine === ticket) showError(part("error"), err, SERVER_FAILED);
    } finally {
      if (mine === ticket) busy(false);
    }
  }

  /** @param {import("../../types.js").PlaygroundLesson} shown @param {number} step */
  function render(shown, step) {
    renderValidity(part("validity"), shown.explanation, (fix) => slidersReach(fix, state, kernels), (fix) =>
      apply({ size: fix.kernel_size[0], padding: fix.padding[0], stride: fix.stride[0], dilation: fix.dilation[0] }));
    sliders.update(state);
    kernel.update(state, kernels, shown.kernel, note);
    input.update(state, state.drawing ? null : count);
    const [h, w] = shown.explanation.input_size;
    part("input-size").textContent = `${h}×${w}, padded ${shown.padded.length}×${shown.padded[0]?.length ?? 0}`;
    part("output-size").textContent = shown.output_size ? shown.output_size.join("×") : "";
    part("output-empty").hidden = shown.output_size !== null;
    part("output-empty").textContent = shown.output_size ? "" : noOutput(shown.explanation);
    player.show(step);
  }

  function publish() {
    if (alive && !player.playing()) onState({ ...state, step: player.step() });
  }

  /** Tests (and styles) can tell when the page shows the answer to the latest request. */
  function busy(/** @type {boolean} */ waiting) {
    root.dataset.busy = String(waiting);
  }

  async function loadCount(/** @type {number} */ digit) {
    try {
      const info = await api.digit(digit, 0);
      if (digit !== state.digit) return;
      count = info.count;
      if (result) input.update(state, state.drawing ? null : count);
    } catch (err) {
      showError(part("error"), err, SERVER_FAILED);
    }
  }

  function another() {
    apply({ index: count ? (state.index + 1) % count : state.index + 1 });
  }

  /** Check what only the server knows (kernel names, samples per digit) before the first request. */
  async function start() {
    const [list, info] = await Promise.allSettled([api.kernels(), api.digit(state.digit, 0)]);
    if (!alive) return;
    if (list.status === "fulfilled") kernels = list.value;
    else showError(part("error"), errorMessage(list.reason), SERVER_FAILED);
    if (info.status === "fulfilled") count = info.value.count;
    const checked = checkAgainstCatalogue(state, kernels, count);
    state = checked.state;
    const notes = [...linkNotes, ...checked.notes];
    part("link-note-text").textContent = notes.length ? `This link could not be used as written. ${notes.join(" ")}` : "";
    part("link-note").hidden = notes.length === 0;
    apply({});
  }
  part("link-note-close").addEventListener("click", () => { part("link-note").hidden = true; });

  start();
  return () => { alive = false; player.pause(); ticket += 1; stage.destroy(); el.replaceChildren(); };
}
