// The player: play/pause, reset, step back and forward, compute all, a scrubber, a step counter and a
// speed slider, over any animation counted in whole steps. requestAnimationFrame turns elapsed time into
// whole steps, so the animation keeps its pace whatever the frame rate, and "instant" jumps to the end in
// one frame. The view draws each step (onStep) and keeps the speed level in its state (speed, onSpeed).

import { LIMITS, SPEEDS } from "../config.js";
import { part } from "./part.js";
import { createSliders } from "./sliders.js";

/** A speed level as the slider shows it. @param {number} level */
export function speedLabel(level) {
  const rate = SPEEDS[level];
  return rate === Infinity ? "instant" : `${rate} step${rate === 1 ? "" : "s"}/s`;
}

/** @type {import("./sliders.js").SliderSpec} */
const SPEED_SLIDER = {
  key: "speed", label: "Speed", format: speedLabel, range: LIMITS.speed,
  hint: "Slow to follow each sum; instant to see the whole output.",
};

const TRANSPORT_HTML = `
  <button type="button" class="primary" data-part="play" data-testid="play">▶ Play</button>
  <button type="button" data-part="reset" data-testid="reset" aria-label="reset to step 0" title="Reset"><svg viewBox="0 0 16 16" aria-hidden="true"><path d="M3 2h2v12H3zM14 2v12L6 8z"/></svg></button>
  <button type="button" data-part="back" data-testid="step-back" aria-label="step back" title="Step back"><svg viewBox="0 0 16 16" aria-hidden="true"><path d="M12 2v12L4 8z"/></svg></button>
  <button type="button" data-part="forward" data-testid="step-forward" aria-label="step forward" title="Step forward"><svg viewBox="0 0 16 16" aria-hidden="true"><path d="M4 2v12l8-6z"/></svg></button>
  <button type="button" data-part="end" data-testid="to-end" aria-label="compute every cell" title="Compute all"><svg viewBox="0 0 16 16" aria-hidden="true"><path d="M11 2h2v12h-2zM2 2v12l8-6z"/></svg></button>
  <label class="scrub">
    <span class="visually-hidden">step</span>
    <input type="range" min="0" max="0" value="0" step="1" data-part="scrubber" data-testid="scrubber">
  </label>
  <span class="counter" data-part="counter" data-testid="step-counter"></span>`;

/**
 * @typedef {object} PlayerHooks
 * @property {() => number} speed  the speed level: an index into config.js's SPEEDS (the last is instant)
 * @property {(level: number) => void} onSpeed  the reader moved the speed slider
 * @property {() => number | null} count  how many steps there are; null while there is nothing to play
 * @property {(step: number) => void} onStep  draw this step (0: nothing done yet)
 * @property {(playing: boolean) => void} [onPlaying]  the player started or stopped
 * @property {() => void} [onSeek]  the reader moved to a step by hand (reset, step, scrub)
 */

/**
 * Fill `el` (a group labelled for the animation) with the controls, `speedEl` with the speed slider,
 * and run the clock behind them.
 * @param {HTMLElement} el @param {HTMLElement} speedEl @param {PlayerHooks} hooks
 * @param {string} idPrefix  makes the slider's id unique in the page
 */
export function createPlayer(el, speedEl, hooks, idPrefix) {
  el.innerHTML = TRANSPORT_HTML;
  const scrubber = /** @type {HTMLInputElement} */ (part(el, "scrubber"));
  const speed = createSliders(speedEl, [SPEED_SLIDER], { idPrefix, onChange: (patch) => hooks.onSpeed(patch.speed) });
  let step = 0;
  const clock = createClock({
    rate: () => SPEEDS[hooks.speed()], step: () => step, count: () => hooks.count() ?? 0, setStep: show,
    onPlaying: (playing) => { draw(); hooks.onPlaying?.(playing); },
  });

  /** @param {number} next */
  function show(next) {
    step = next;
    hooks.onStep(step);
    draw();
  }

  /** @param {number} next */
  function seek(next) {
    const count = hooks.count();
    if (count === null) return;
    clock.pause();
    show(Math.min(count, Math.max(0, next)));
    hooks.onSeek?.();
  }

  function draw() {
    const n = hooks.count() ?? 0;
    scrubber.max = String(n);
    scrubber.value = String(step);
    scrubber.setAttribute("aria-valuetext", `step ${step} of ${n}`);
    const counter = part(el, "counter");
    counter.textContent = `step ${step} / ${n}`;
    counter.dataset.step = String(step);
    counter.dataset.count = String(n);
    part(el, "play").textContent = clock.playing() ? "❚❚ Pause" : "▶ Play";
    part(el, "play").setAttribute("aria-pressed", String(clock.playing()));
  }

  part(el, "play").addEventListener("click", () => (clock.playing() ? clock.pause() : clock.play()));
  part(el, "reset").addEventListener("click", () => seek(0));
  part(el, "back").addEventListener("click", () => seek(step - 1));
  part(el, "forward").addEventListener("click", () => seek(step + 1));
  part(el, "end").addEventListener("click", () => seek(hooks.count() ?? 0));
  scrubber.addEventListener("input", () => seek(Number(scrubber.value)));

  return {
    step: () => step,
    playing: clock.playing,
    /** Draw step `next` without stopping (a new answer keeps its place). @param {number} next */
    show(next) {
      speed.update({ speed: hooks.speed() });
      show(next);
    },
    pause: clock.pause,
  };
}

/**
 * The clock: whole steps from elapsed time, one animation frame at a time.
 * @param {{rate: () => number, step: () => number, count: () => number,
 *   setStep: (step: number) => void, onPlaying: (playing: boolean) => void}} hooks
 */
function createClock(hooks) {
  let frame = 0;
  let last = 0;
  let carry = 0;

  /** @param {number} now */
  function tick(now) {
    const rate = hooks.rate();
    const count = hooks.count();
    // Whole steps owed since the last frame; the fraction carries over so slow speeds stay exact.
    carry += rate === Infinity ? count : ((now - last) / 1000) * rate;
    last = now;
    const whole = Math.floor(carry);
    carry -= whole;
    const next = Math.min(count, hooks.step() + whole);
    if (whole > 0) hooks.setStep(next);
    if (next >= count) stop();
    else frame = requestAnimationFrame(tick);
  }

  function stop() {
    if (!frame) return;
    cancelAnimationFrame(frame);
    frame = 0;
    hooks.onPlaying(false);
  }

  return {
    playing: () => frame !== 0,
    play() {
      if (frame || hooks.count() === 0) return;
      if (hooks.step() >= hooks.count()) hooks.setStep(0);
      last = performance.now();
      // The first step appears at once; waiting a whole period after pressing play feels broken.
      carry = 1;
      frame = requestAnimationFrame(tick);
      hooks.onPlaying(true);
    },
    pause: stop,
  };
}
