// The convolution playground: pick an input and settings, then watch the kernel's window slide over
// the padded input while the output fills in cell by cell. The server computes every output and the
// explanation of validity (each window's taps are read off its answer: trace.js); this module wires
// controls, player and drawing.

import { errorMessage, showError, SERVER_FAILED } from "../../components/error.js";
import { mountExport } from "../../components/export.js";
import { part as partOf, renderRoot } from "../../components/part.js";
import { createPlayer } from "../../components/player.js";
import { bindKeys } from "../../presenter.js";
import { mountInput } from "./input.js";
import { mountKernel } from "./kernel.js";
import { mountSettings } from "./settings.js";
import { mountSketch } from "./sketch.js";
import { createConvolutionStage } from "./stage.js";
import { stepCount } from "./trace.js";
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
  /** The output cell under the pointer, as a 1-based step: the step panel shows its sum meanwhile. */
  let hovered = /** @type {number | null} */ (null);
  /** Drawing: the pad takes the input grid's place (one picture, never two) until Done or Play. */
  let sketching = false;

  const stage = createConvolutionStage(root, { onHover: (step) => { hovered = step; showWindow(); } });
  const sliders = mountSettings(part("sliders"), ["size", "padding", "stride", "dilation"], { onChange: apply });
  const kernel = mountKernel(part("kernel"), { onChange: apply });
  const input = mountInput(part("input-controls"), { onChange: apply, onAnother: another });
  const sketch = mountSketch(part("sketch"), { onDrawn: (image) => apply({ drawing: image }) });
  const player = createPlayer(part("transport"), part("speed"), {
    speed: () => state.speed,
    onSpeed: (level) => apply({ speed: level }),
    count: () => (result ? stepCount(result) : null),
    onStep: (step) => {
      if (!result) return;
      stage.render(result, step);
      showWindow();
      part("announce").textContent = announceStep(result, step); // the live region reads each step
    },
    onPlaying: (playing) => {
      if (playing && sketching) showSketch(false);
      if (!playing) publish();
    },
    onSeek: publish,
  }, "pg");
  const unbindKeys = bindKeys([
    { keys: [" ", "k"], shown: "Space", does: "play / pause", run: () => click("play") },
    { keys: ["ArrowRight", "PageDown"], shown: "→", does: "next step", run: () => click("forward") },
    { keys: ["ArrowLeft", "PageUp"], shown: "←", does: "step back", run: () => click("back") },
    { keys: ["n", "N"], shown: "N", does: "next digit", run: () => apply({ digit: (state.digit + 1) % 10, index: 0, drawing: null, example: null }) },
  ], part("keys"));

  /** @param {string} name  a transport button's data-part */
  function click(name) {
    /** @type {HTMLButtonElement | null} */ (part("transport").querySelector(`[data-part=${name}]`))?.click();
  }

  function showWindow() {
    if (result) renderWindow(part("window"), result, hovered ?? player.step(), hovered !== null);
  }

  /** @param {boolean} on */
  function showSketch(on) {
    sketching = on && state.drawing !== null;
    syncSketch();
    if (result) stage.render(result, player.step());
  }

  function syncSketch() {
    part("sketch").hidden = !sketching;
    part("input-wrap").hidden = sketching;
    const done = part("sketch-done");
    done.hidden = state.drawing === null;
    done.textContent = sketching ? "Done drawing" : "Edit drawing";
    root.classList.toggle("is-sketching", sketching);
  }
  part("sketch-done").addEventListener("click", () => showSketch(!sketching));
  part("why").addEventListener("click", () => {
    part("validity").scrollIntoView({ block: "nearest" });
    part("validity").focus({ preventScroll: true });
  });

  const unexport = mountExport(part("export"), { api, view: "playground", request });

  /** The request for the current settings (the export panel sends the same one). */
  function request() {
    const source = state.drawing ? { image: state.drawing } : state.example ? { example: state.example }
      : { digit: state.digit, index: state.index, ...(state.inputSize === 20 ? {} : { input_size: state.inputSize }) };
    const kernelPart = state.matrix ? { kernel: state.matrix } : { kernel: state.kernel, kernel_size: state.size };
    return { ...source, ...kernelPart, padding: state.padding, stride: state.stride, dilation: state.dilation };
  }

  /** Merge a change, keep kernel and size consistent (saying so when a choice had to change), reload. */
  function apply(/** @type {Partial<PlaygroundState>} */ patch) {
    const merged = applyPatch(state, patch, kernels);
    note = merged.note;
    if (patch.digit !== undefined && patch.digit !== state.digit) loadCount(patch.digit);
    const startsDrawing = patch.drawing !== undefined && (patch.drawing === null) !== (state.drawing === null);
    state = merged.next;
    if (startsDrawing) showSketch(state.drawing !== null);
    refresh();
  }

  async function refresh() {
    const mine = (ticket += 1);
    busy(true);
    try {
      const next = await api.convolve(request());
      if (mine !== ticket) return;
      const n = stepCount(next);
      // Keep a finished animation finished; otherwise keep the place, within the new number of steps.
      const step = player.step();
      const first = result === null;
      // Arriving plays from the start, as the demo it comes from does; with reduced motion, the whole
      // output at once. A link to a step (a shared moment) opens paused there.
      const still = matchMedia("(prefers-reduced-motion: reduce)").matches;
      const wanted = first ? (state.step ?? (still ? n : 0)) : step === (result ? stepCount(result) : null) ? n : step;
      result = next;
      showError(part("error"), null);
      render(next, Math.min(n, Math.max(0, wanted)));
      if (first && state.step === null && !still) click("play");
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
    if (state.drawing) sketch.show(state.drawing);
    syncSketch();
    const [h, w] = shown.explanation.input_size;
    const padded = shown.explanation.padding[0] > 0 ? `, padded ${shown.padded.length}×${shown.padded[0]?.length ?? 0}` : "";
    part("input-size").textContent = `${h}×${w}${padded}`;
    part("output-size").textContent = shown.output_size ? shown.output_size.join("×") : "";
    part("why").hidden = shown.valid;
    // A 6×6 or 7×7 window's products need a wider middle column.
    root.classList.toggle("has-large-kernel", (shown.kernel[0]?.length ?? 0) > 5);
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
  return () => {
    alive = false; player.pause(); unbindKeys(); ticket += 1; stage.destroy(); unexport(); el.replaceChildren();
  };
}
