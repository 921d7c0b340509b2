// Sections 2 and 3, flip and slide: choose or draw f and g, watch g flipped and slid across f with the
// product shaded and the result growing (the playground's player drives it), repeat the convolution
// (box * box * box is a bell), prove the laws with one click, and drop the flip to get cross-correlation.

import { showError, SERVER_FAILED } from "../../components/error.js";
import { createLatest } from "../../components/latest.js";
import { part as partOf } from "../../components/part.js";
import { createPlayer } from "../../components/player.js";
import { plotWidth } from "./axes.js";
import { renderLaw } from "./laws.js";
import { createPad } from "./pads.js";
import { drawSlideResult, drawSlideTop, frameAt, SLIDE_COLORS } from "./slide-draw.js";
import { LIMITS_SIGNALS, WAVEFORM_NAMES } from "./state.js";
import { explainFlip, playgroundLink, SLIDE_CONTROLS_HTML } from "./slide-text.js";

/** @typedef {import("./state.js").SignalsState} SignalsState */
/** @typedef {import("../../types-signals.js").SlideLesson} SlideLesson */
/** @typedef {{drops: false, body: import("../../types-signals.js").SlideRequest}
 *   | {drops: true, body: import("../../types-signals.js").DropSlideRequest}} SlideAsk */

/**
 * @param {HTMLElement} root
 * @param {{api: import("../../api.js").Api, state: () => SignalsState, onChange: (patch: Partial<SignalsState>) => void,
 *   onStep: (step: number) => void, onBusy: (busy: boolean) => void, ballConvolution: () => number[] | null}} hooks
 */
export function mountSlide(root, { api, state, onChange, onStep, onBusy, ballConvolution }) {
  const part = (/** @type {string} */ name) => partOf(root, name);
  part("slide-controls").innerHTML = SLIDE_CONTROLS_HTML;
  /** @type {SlideLesson | null} */
  let lesson = null;
  /** @type {{which: "commutative" | "associative", check: import("../../types-signals.js").LawCheck} | null} */
  let law = null;
  /** @type {Record<string, ReturnType<typeof createPad> | null>} */
  const pads = { f: null, g: null };
  /** @type {SlideAsk | null} the request the slide was last drawn from: what an export draws too */
  let asked = null;

  const player = createPlayer(part("transport"), part("speed"), {
    speed: () => state().speed,
    onSpeed: (level) => onChange({ speed: level }),
    count: () => (lesson ? lesson.frames.length : null),
    onStep: () => drawNow(),
    onPlaying: (playing) => { if (!playing) onStep(player.step()); },
    onSeek: () => onStep(player.step()),
  }, "sig");

  // Busy while the slide or a law is being asked for: both answers change what the section shows.
  const asking = { slide: false, laws: 0 };
  const report = () => onBusy(asking.slide || asking.laws > 0);
  const send = (/** @type {SlideAsk} */ ask) => (ask.drops ? api.slideDrops(ask.body) : api.slide(ask.body));
  const latest = createLatest(send, {
    onResult: (answer) => {
      const wasDone = lesson !== null && player.step() === lesson.frames.length;
      const first = lesson === null;
      const switched = lesson !== null && lesson.discrete !== answer.discrete;
      lesson = answer;
      showError(part("slide-error"), null);
      const n = answer.frames.length;
      // A first visit opens where the overlap is largest: the shaded product is then plain to see. The ball
      // drop's f and g open at its chosen total c, so the slide's value there sits beside the lit bar above.
      const widest = answer.frames.reduce((best, f, i) => (f.area > answer.frames[best].area ? i : best), 0) + 1;
      const atTotal = answer.frames.findIndex((f) => f.t === state().total) + 1;
      const opening = answer.discrete && atTotal > 0 ? atTotal : widest;
      const wanted = first ? (state().step ?? opening) : switched ? opening : wasDone ? n : player.step();
      player.show(Math.min(n, wanted));
      /** @type {HTMLAnchorElement} */ (part("playground-link")).href = playgroundLink(answer.g, answer.flip);
      onStep(player.step());
    },
    onError: (err) => showError(part("slide-error"), err, SERVER_FAILED),
    onBusy: (on) => { asking.slide = on; report(); },
  });

  for (const key of /** @type {const} */ (["f", "g"])) {
    const select = /** @type {HTMLSelectElement} */ (part(`s${key}`));
    select.innerHTML = [...WAVEFORM_NAMES, "drawn"].map((name) =>
      `<option value="${name}">${name === "drawn" ? "drawn by hand" : name}</option>`).join("");
    select.addEventListener("change", () => {
      const patch = /** @type {Partial<SignalsState>} */ ({ [`s${key}`]: select.value, repeat: 0 });
      // A new drawing starts from the signal on show, so the reader edits rather than starts blank.
      if (select.value === "drawn" && !state()[`d${key}`] && lesson) patch[`d${key}`] = lesson[key].map(clip01);
      onChange(patch);
    });
  }
  const source = /** @type {HTMLSelectElement} */ (part("slide-source"));
  source.addEventListener("change", () => onChange({ slide: source.value === "drops" ? "drops" : "shapes", repeat: 0 }));
  const click = (/** @type {string} */ name, /** @type {() => void} */ act) => part(name).addEventListener("click", act);
  click("box-box", () => onChange({ slide: "shapes", sf: "box", sg: "box", repeat: 0, flip: true }));
  click("box-box-box", () => onChange({ slide: "shapes", sf: "box", sg: "box", repeat: 1, flip: true }));
  click("repeat", () => onChange({ repeat: Math.min(LIMITS_SIGNALS.repeat[1], state().repeat + 1) }));
  click("unrepeat", () => onChange({ repeat: 0 }));
  click("swap", () => {
    const s = state();
    // The ball drop's f and g are one pair on the whole page: swapping them swaps them above too.
    if (s.slide === "drops") { law = null; onChange({ f: s.g, g: s.f, repeat: 0 }); return; }
    onChange({ sf: s.sg, sg: s.sf, df: s.dg, dg: s.df, repeat: 0 });
    askLaw("commutative");
  });
  click("associate", () => askLaw("associative"));
  const flip = /** @type {HTMLInputElement} */ (part("flip"));
  flip.addEventListener("change", () => onChange({ flip: flip.checked }));

  /** Both sides of a law for the signals now chosen. @param {"commutative" | "associative"} which */
  async function askLaw(which) {
    const s = state();
    asking.laws += 1;
    report();
    try {
      const answer = await api.laws({ f: spec(s, "f"), g: spec(s, "g"), h: "box" });
      law = { which, check: answer[which] };
      showError(part("slide-error"), null);
      drawNow();
    } catch (err) {
      showError(part("slide-error"), err, SERVER_FAILED);
    } finally {
      asking.laws -= 1;
      report();
    }
  }

  function syncPads() {
    const s = state();
    for (const key of /** @type {const} */ (["f", "g"])) {
      const wanted = s[`s${key}`] === "drawn" && s.slide !== "drops";
      if (wanted && !pads[key]) {
        pads[key] = createPad(part("pads"), { key, color: SLIDE_COLORS[key], tau: () => lesson?.tau ?? [],
          values: () => state()[`d${key}`],
          onDraw: (values, done) => { onChange(/** @type {Partial<SignalsState>} */ ({ [`d${key}`]: values, repeat: 0 })); if (!done) drawNow(); } });
      } else if (!wanted && pads[key]) {
        pads[key]?.remove();
        pads[key] = null;
      }
    }
  }

  function drawNow() {
    const s = state();
    const width = plotWidth(part("slide-wrap"), 260, 960);
    for (const key of ["f", "g"]) pads[key]?.draw(width);
    part("repeat-note").textContent = s.repeat === 0 ? "" :
      `f is now the named f convolved with g ${s.repeat} time${s.repeat > 1 ? "s" : ""}: sliding g over it convolves once more.`;
    if (law) renderLaw(part("laws"), law.which, law.check, width);
    if (!lesson) return;
    const step = player.step();
    drawSlideTop(/** @type {HTMLCanvasElement} */ (part("slide-top")), lesson, step, width);
    drawSlideResult(/** @type {HTMLCanvasElement} */ (part("slide-result")), lesson, step, width);
    const frame = frameAt(lesson, step);
    part("readout").textContent = step === 0
      ? "Press play: g slides from the left, and each position's shaded area becomes one point of the result."
      : lesson.discrete ? dropReadout(lesson, frame, s.repeat, ballConvolution())
      : `t = ${frame.t.toFixed(2)}: the shaded area ${lesson.flip ? "∫ f(τ) g(t − τ) dτ" : "∫ f(τ) g(τ − t) dτ"} = ${frame.area.toFixed(4)}`;
    part("readout").dataset.area = String(frame.area);
  }

  return {
    update() {
      const s = state();
      const drops = s.slide === "drops";
      flip.checked = s.flip;
      source.value = s.slide;
      for (const key of /** @type {const} */ (["f", "g"])) {
        const select = /** @type {HTMLSelectElement} */ (part(`s${key}`));
        select.value = s[`s${key}`];
        // The ball drop's f and g replace the shapes: their menus step aside rather than show a stale name.
        /** @type {HTMLElement} */ (select.closest("label")).hidden = drops;
      }
      /** @type {HTMLButtonElement} */ (part("associate")).disabled = drops;
      if (drops) law = null;
      part("slide-explain").textContent = explainFlip(s.flip, "slide", drops);
      part("flip-explain").textContent = explainFlip(s.flip, "toggle");
      /** @type {HTMLAnchorElement} */ (part("playground-link")).href = playgroundLink(lesson?.g ?? null, s.flip);
      syncPads();
      asked = drops ? { drops: true, body: { f: s.f, g: s.g, flip: s.flip, repeat: s.repeat, max_frames: 241 } }
        : { drops: false, body: { f: spec(s, "f"), g: spec(s, "g"), flip: s.flip, repeat: s.repeat, max_frames: 121 } };
      latest.ask(asked);
      drawNow();
    },
    draw: drawNow,
    /** The export routes' name for the slide on show: the shapes, or the ball drop's f and g. */
    exportView: () => (asked?.drops ? "signals-drops" : "signals"),
    /** The request the slide on show came from (null before the first). */
    exportRequest: () => (asked ? { ...asked.body } : null),
    destroy() { player.pause(); latest.cancel(); },
  };
}

/** A signal as the server takes it: a name, or the drawn values. @param {SignalsState} s @param {"f" | "g"} key */
function spec(s, key) {
  const drawn = s[`d${key}`];
  return s[`s${key}`] === "drawn" && drawn ? drawn : s[`s${key}`];
}

/**
 * The whole-step slide's sentence: the sum at t and, when convolving the two drops, the ball drop's own bar.
 * @param {SlideLesson} lesson @param {import("../../types-signals.js").SlideFrame} frame @param {number} repeat
 * @param {number[] | null} balls  the ball drop's f * g
 */
function dropReadout(lesson, frame, repeat, balls) {
  const sum = `t = ${frame.t}: Σ f(τ) ${lesson.flip ? `g(${frame.t} − τ)` : `g(τ − ${frame.t})`} = ${frame.area.toFixed(4)}`;
  if (!lesson.flip || repeat > 0 || !balls) return sum;
  const bar = balls[frame.t];
  return bar === undefined ? sum : `${sum}, the ball drop's (f * g)(${frame.t}) above is ${bar.toFixed(4)}`;
}

/** @param {number} v */
const clip01 = (v) => Math.round(Math.max(0, Math.min(1, v)) * 63) / 63;
