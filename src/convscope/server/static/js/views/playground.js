// The convolution playground: pick an input and settings, then watch the kernel's window slide over
// the padded input while the output fills in cell by cell. The server computes every number (the
// trace of windows, the explanation of validity); this module wires controls, clock and drawing.

import { LIMITS, SPEEDS } from "../state.js";
import { mountInput } from "./playground-input.js";
import { mountKernel } from "./playground-kernel.js";
import { createPlayer } from "./playground-player.js";
import { mountSettings } from "./playground-settings.js";
import { createStage } from "./playground-stage.js";
import { PLAYGROUND_HTML } from "./playground-template.js";
import { renderValidity } from "./playground-validity.js";
import { renderWindow } from "./playground-window.js";

/** @typedef {import("../state.js").PlaygroundState} PlaygroundState */

/**
 * @param {HTMLElement} el
 * @param {{api: import("../api.js").Api, state: PlaygroundState, onState: (state: PlaygroundState) => void}} ctx
 * @returns {{unmount: () => void}}
 */
export function mount(el, { api, state: initial, onState }) {
  el.innerHTML = PLAYGROUND_HTML;
  // Parts are found in this view's own root: if a quick second navigation (the router does not cancel
  // the first) mounts another view into `el`, late answers land in a detached tree, not on null.
  const root = /** @type {HTMLElement} */ (el.querySelector(".playground"));
  const part = (/** @type {string} */ name) => /** @type {HTMLElement} */ (root.querySelector(`[data-part="${name}"]`));
  const { notes: linkNotes = [], ...given } = /** @type {PlaygroundState & {notes?: string[]}} */ (initial);
  let state = given;
  /** @type {any} */
  let result = null;
  let step = 0;
  /** @type {import("../api.js").KernelInfo[]} */
  let kernels = [];
  /** @type {number | null} */
  let count = null;
  let note = "";
  let ticket = 0;
  let alive = true;

  const stage = createStage(root);
  const sliders = mountSettings(part("sliders"), ["size", "padding", "stride", "dilation"], { onChange: apply });
  const speed = mountSettings(part("speed"), ["speed"], { onChange: apply });
  const kernel = mountKernel(part("kernel"), { onChange: apply });
  const input = mountInput(part("input-controls"), { onChange: apply, onAnother: another });
  const stepCount = () => result?.steps.length ?? 0;
  const player = createPlayer({
    rate: () => SPEEDS[state.speed], step: () => step, count: stepCount, setStep: show,
    onPlaying: (playing) => { drawTransport(); if (!playing) publish(); },
  });
  const scrubber = /** @type {HTMLInputElement} */ (part("scrubber"));

  /** Merge a change, keep kernel and size consistent (saying so when a choice had to change), reload. */
  function apply(/** @type {Partial<PlaygroundState>} */ patch) {
    const next = { ...state, ...patch };
    note = "";
    const info = kernels.find((k) => k.name === next.kernel);
    if (info && !info.sizes.includes(next.size)) {
      note = `${info.label} has no ${next.size}×${next.size} version, so the kernel is now all ones.`;
      next.kernel = "ones";
    }
    if (next.matrix && patch.size !== undefined && next.matrix.length !== next.size) {
      next.matrix = Array.from({ length: next.size }, (_, r) =>
        Array.from({ length: next.size }, (_, c) => next.matrix?.[r]?.[c] ?? 0));
    }
    if (patch.matrix) next.size = patch.matrix.length;
    if (patch.digit !== undefined && patch.digit !== state.digit) loadCount(patch.digit);
    state = next;
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
      const wanted = result === null ? (state.step ?? Math.min(1, n)) : step === stepCount() ? n : step;
      result = next;
      step = Math.min(n, Math.max(0, wanted));
      showError("");
      render();
      // Settings reach the URL even mid-animation (a link copied while playing must share them);
      // only the step waits for a pause, so frames don't flood the history API.
      onState({ ...state, step });
    } catch (err) {
      if (mine === ticket) showError(err instanceof Error ? err.message : String(err));
    } finally {
      if (mine === ticket) busy(false);
    }
  }

  function render() {
    renderValidity(part("validity"), result.explanation, fits, (fix) =>
      apply({ size: fix.kernel_size[0], padding: fix.padding[0], stride: fix.stride[0], dilation: fix.dilation[0] }));
    sliders.update(state);
    speed.update(state);
    kernel.update(state, kernels, result.kernel, note);
    input.update(state, state.drawing ? null : count);
    const [h, w] = result.explanation.input_size;
    part("input-size").textContent = `${h}×${w}, padded ${result.padded.length}×${result.padded[0]?.length ?? 0}`;
    part("output-size").textContent = result.output_size ? result.output_size.join("×") : "";
    part("output-empty").hidden = result.output_size !== null;
    part("output-empty").textContent = result.output_size ? "" : noOutput(result.explanation);
    show(step);
  }

  /** Draw step `next` (0 = nothing computed yet); called every animation frame. */
  function show(/** @type {number} */ next) {
    step = next;
    stage.render(result, step);
    renderWindow(part("window"), result, step);
    drawTransport();
  }

  function drawTransport() {
    const n = stepCount();
    scrubber.max = String(n);
    scrubber.value = String(step);
    scrubber.setAttribute("aria-valuetext", `step ${step} of ${n}`);
    const counter = part("counter");
    counter.textContent = `step ${step} / ${n}`;
    counter.dataset.step = String(step);
    counter.dataset.count = String(n);
    part("play").textContent = player.playing() ? "❚❚ Pause" : "▶ Play";
    part("play").setAttribute("aria-pressed", String(player.playing()));
  }

  function publish() {
    if (!player.playing()) onState({ ...state, step });
  }

  /** Whether one slider per setting can show a suggestion exactly. @param {import("./playground-validity.js").Suggestion} fix */
  function fits(fix) {
    const within = (/** @type {number[]} */ pair, /** @type {number[]} */ [lo, hi]) =>
      pair[0] === pair[1] && pair[0] >= lo && pair[0] <= hi;
    const info = kernels.find((k) => k.name === state.kernel);
    const sized = state.matrix ? fix.kernel_size[0] === state.size : !info || info.sizes.includes(fix.kernel_size[0]);
    return sized && within(fix.kernel_size, LIMITS.size) && within(fix.padding, LIMITS.padding) &&
      within(fix.stride, LIMITS.stride) && within(fix.dilation, LIMITS.dilation);
  }

  /** Tests (and styles) can tell when the page shows the answer to the latest request. */
  function busy(/** @type {boolean} */ waiting) {
    root.dataset.busy = String(waiting);
  }

  function showError(/** @type {string} */ message) {
    part("error").hidden = message === "";
    part("error").textContent = message ? `The server could not compute this: ${message}` : "";
  }

  async function loadCount(/** @type {number} */ digit) {
    try {
      const info = await api.digit(digit, 0);
      if (digit !== state.digit) return;
      count = info.count;
      if (result) input.update(state, state.drawing ? null : count);
    } catch (err) {
      showError(err instanceof Error ? err.message : String(err));
    }
  }

  function another() {
    apply({ index: count ? (state.index + 1) % count : state.index + 1 });
  }

  /** @param {number} next */
  const jump = (next) => { if (result) { player.pause(); show(Math.min(stepCount(), Math.max(0, next))); publish(); } };
  part("play").addEventListener("click", () => (player.playing() ? player.pause() : player.play()));
  part("reset").addEventListener("click", () => jump(0));
  part("back").addEventListener("click", () => jump(step - 1));
  part("forward").addEventListener("click", () => jump(step + 1));
  part("end").addEventListener("click", () => jump(stepCount()));
  scrubber.addEventListener("input", () => jump(Number(scrubber.value)));

  /** Check what only the server knows (kernel names, samples per digit) before the first request. */
  async function start() {
    const [list, info] = await Promise.allSettled([api.kernels(), api.digit(state.digit, 0)]);
    if (!alive || !root.isConnected) return;
    if (list.status === "fulfilled") kernels = list.value;
    else showError(String(list.reason));
    if (info.status === "fulfilled") count = info.value.count;
    const notes = [...linkNotes];
    if (!state.matrix && kernels.length && !kernels.some((k) => k.name === state.kernel)) {
      notes.push(`There is no kernel called “${state.kernel.slice(0, 16)}”, so the kernel is all ones.`);
      state = { ...state, kernel: "ones" };
    }
    if (!state.drawing && count !== null && state.index >= count) {
      notes.push(`There are ${count.toLocaleString("en")} samples of ${state.digit} here, so this is sample 1.`);
      state = { ...state, index: 0 };
    }
    part("link-note-text").textContent = notes.length ? `This link could not be used as written. ${notes.join(" ")}` : "";
    part("link-note").hidden = notes.length === 0;
    apply({});
  }
  part("link-note-close").addEventListener("click", () => { part("link-note").hidden = true; });

  start();
  return { unmount: () => { alive = false; player.pause(); ticket += 1; stage.destroy(); el.replaceChildren(); } };
}

/** Why there is no output, in one sentence. @param {any} explanation */
function noOutput(explanation) {
  const [kh, kw] = explanation.effective_kernel_size;
  const [ph, pw] = explanation.axes.map((/** @type {any} */ a) => a.input + 2 * a.padding);
  return `No output: a ${kh}×${kw} window does not fit inside the ${ph}×${pw} padded input.`;
}
