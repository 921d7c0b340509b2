// The signals page: convolution in one dimension, as Colah's "Understanding Convolutions" builds it.
// A ball dropped twice, the same sum as flip-and-slide (with the laws and the cross-correlation toggle),
// and an echo you can hear. The server computes every number; this module holds the state and wires
// the sections, each of which looks only inside this view's root.

import { errorMessage, showError, SERVER_FAILED } from "../../components/error.js";
import { part as partOf, renderRoot } from "../../components/part.js";
import { mountExport } from "../../components/export.js";
import { createStage } from "../../components/stage.js";
import { mountBalls } from "./balls.js";
import { mountEcho } from "./echo.js";
import { mountSlide } from "./slide.js";
import { signalsFromParams, signalsToParams } from "./state.js";
import { SIGNALS_HTML } from "./template.js";

/** @typedef {import("./state.js").SignalsState} SignalsState */

/** @type {import("../../view.js").View<SignalsState>} */
export const view = {
  route: "signals",
  title: "Signals: convolution in one dimension",
  stateFromUrl: signalsFromParams,
  stateToUrl: signalsToParams,
  mount,
};

/**
 * @param {HTMLElement} el
 * @param {import("../../view.js").ViewContext<SignalsState>} ctx
 * @returns {() => void} unmount
 */
function mount(el, { api, state: initial, onState }) {
  const root = renderRoot(el, SIGNALS_HTML);
  const part = (/** @type {string} */ name) => partOf(root, name);
  /** @type {SignalsState} */
  let state = initial;
  let alive = true;
  /** Requests still to be answered, by section: the root is busy until all are in. */
  const waiting = { balls: false, slide: false, echo: false, drop: false };
  const getState = () => state;
  const busy = (/** @type {keyof typeof waiting} */ key) => (/** @type {boolean} */ on) => {
    waiting[key] = on;
    root.dataset.busy = String(Object.values(waiting).some(Boolean));
  };

  // The slide's readout quotes the ball drop's f * g, so a new ball-drop answer redraws it.
  const balls = mountBalls(root, { api, state: getState, onChange: apply, onBusy: busy("balls"), onLesson: () => slide.draw() });
  const slide = mountSlide(root, { api, state: getState, onChange: apply, onBusy: busy("slide"), ballConvolution: balls.convolution,
    onStep: (step) => { state = { ...state, step }; publish(); } });
  const echo = mountEcho(part("echo"), { api, state: getState, onChange: apply, onBusy: busy("echo"), onDropBusy: busy("drop"),
    onAudio: ({ audio, playing, latencyMs }) => {
      root.dataset.audio = audio;
      root.dataset.playing = playing;
      if (latencyMs !== null) root.dataset.clickToSoundMs = latencyMs.toFixed(1);
    } });
  const stage = createStage(root, () => { balls.draw(); slide.draw(); echo.draw(); });
  const unexport = mountExport(part("export"), { api, view: slide.exportView, request: slide.exportRequest,
    title: "Export the flip and slide" });

  /** Merge a change, keep the total inside f * g, and ask the sections it concerns. @param {Partial<SignalsState>} patch */
  function apply(patch) {
    const next = { ...state, ...patch };
    next.total = Math.min(next.total, next.f.length + next.g.length - 2);
    const changed = (/** @type {(keyof SignalsState)[]} */ ...keys) => keys.some((k) => k in patch);
    state = next;
    if (changed("f", "g", "total")) balls.update();
    // The slide of the ball drop's own f and g follows them.
    if (changed("slide", "sf", "sg", "df", "dg", "flip", "repeat") || (next.slide === "drops" && changed("f", "g"))) slide.update();
    if (changed("speed")) slide.draw();
    if (changed("sound", "impulse", "taps", "spikes", "spacing")) echo.update();
    publish();
  }

  function publish() {
    if (alive) onState(state);
  }

  async function start() {
    const [list, sounds, presets] = await Promise.allSettled([api.distributions(), api.sounds(), api.impulses()]);
    if (!alive) return;
    if (list.status === "fulfilled") balls.setCatalogue(list.value);
    else showError(part("f-error"), errorMessage(list.reason), SERVER_FAILED);
    if (sounds.status === "fulfilled" && presets.status === "fulfilled") echo.setCatalogues(sounds.value, presets.value);
    else {
      const failed = sounds.status === "rejected" ? sounds.reason : presets.status === "rejected" ? presets.reason : null;
      showError(/** @type {HTMLElement} */ (root.querySelector("[data-part='sound-error']")), errorMessage(failed), SERVER_FAILED);
    }
    balls.update();
    slide.update();
    echo.update();
  }

  start();
  return () => {
    alive = false;
    balls.destroy();
    slide.destroy();
    echo.destroy();
    stage.destroy();
    unexport();
    el.replaceChildren();
  };
}
