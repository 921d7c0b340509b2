// The network explorer: draw a digit (or pick a sample) and watch LeNet read it, layer by layer, with
// the prediction updating while you draw. Click any unit to see its receptive field and the sum that
// gives its value. The server computes every number; this module wires the pad, requests and drawing.

import { createLayers } from "./network-layers.js";
import { mountModelSwitch } from "./network-model.js";
import { mountPad } from "./network-pad.js";
import { renderPrediction, renderPreprocessing } from "./network-prediction.js";
import { createLatest } from "./network-queue.js";
import { NETWORK_HTML } from "./network-template.js";
import { renderUnit } from "./network-unit.js";

/** @typedef {import("./network-state.js").NetworkState} NetworkState */
/** @typedef {{image?: number[][], digit?: number, index?: number}} Input */

/**
 * @param {HTMLElement} el
 * @param {{api: import("../api.js").Api, state: NetworkState, onState: (state: NetworkState) => void}} ctx
 * @returns {{unmount: () => void}}
 */
export function mount(el, { api, state: initial, onState }) {
  el.innerHTML = NETWORK_HTML;
  const part = (/** @type {string} */ name) => /** @type {HTMLElement} */ (el.querySelector(`[data-part="${name}"]`));
  const root = /** @type {HTMLElement} */ (el.querySelector(".network"));
  let state = { ...initial };
  /** @type {{input: Input, picture: number[][] | null, result: any} | null} */
  let shown = null;
  /** @type {import("./network-layers.js").FieldPart[]} */
  let field = [];
  /** Whether the next explanation was asked for by a click or tap (then it is brought into view). */
  let reveal = false;

  const selection = () => (state.layer && state.unit ? { layer: state.layer, unit: state.unit } : null);
  const layers = createLayers(part("layers"), { onSelect: select });
  const drawing = () => { const image = pad.image(); return { input: { image }, picture: image }; };
  const pad = mountPad(/** @type {HTMLCanvasElement} */ (part("pad")), {
    onDraw: () => { if (state.digit !== null) publish({ digit: null }); predictor.ask(drawing); },
    onStrokeEnd: () => predictor.ask(drawing),
  });

  const predictor = createLatest(
    async (/** @type {() => {input: Input, picture: number[][] | null}} */ make) => {
      const { input, picture } = make();
      return { input, picture, result: await api.predict(input) };
    },
    { onResult: showPrediction, onError: showError, onBusy: (busy) => { root.dataset.busy = String(busy); } },
  );
  const explainer = createLatest(api.unit, {
    onResult: (info) => {
      field = info.receptive_field.per_layer;
      renderUnit(part("unit"), info, shown?.result.preprocessing?.padded ?? null);
      drawLayers();
      if (reveal) revealUnit();
      reveal = false;
    },
    onError: showError,
    onBusy: (busy) => { part("unit").dataset.busy = String(busy); },
  });

  /** @param {{input: Input, picture: number[][] | null, result: any}} answer */
  function showPrediction(answer) {
    shown = answer;
    showError(null);
    const { result, picture } = answer;
    renderPrediction(part("prediction"), result);
    renderPreprocessing(part("stages"), result.preprocessing, picture, answer.input.digit !== undefined);
    part("stages").hidden = Boolean(result.empty);
    part("stages-empty").hidden = !result.empty;
    if (result.empty) field = [];
    drawLayers();
    explain();
  }

  function drawLayers() {
    const result = shown?.result;
    part("layers").hidden = !result || result.empty;
    if (result && !result.empty) layers.render(result.layers, selection(), field);
  }

  /** Ask the server to explain the selected unit for the input on show. */
  function explain() {
    const sel = selection();
    if (!sel || !shown || shown.result.empty) {
      renderUnit(part("unit"), null, null);
      return;
    }
    explainer.ask({ ...shown.input, ...sel });
  }

  /** @param {import("./network-layers.js").Selection} sel @param {"pointer" | "key"} via */
  function select(sel, via) {
    reveal = via === "pointer";
    publish({ layer: sel.layer, unit: sel.unit });
    field = [];
    drawLayers();
    explain();
  }

  /** Stacked on a narrow screen, the unit panel is far below the tapped map: scroll it up into view. */
  function revealUnit() {
    const panel = /** @type {HTMLElement} */ (part("unit").closest(".nw-unit"));
    const top = panel.getBoundingClientRect().top;
    if (top >= 0 && top < window.innerHeight - 120) return;
    panel.scrollIntoView({ block: "start", behavior: motion() });
  }

  /** The selected unit's map (or bar chart), the way back from the unit panel. */
  function selectedCanvas() {
    const sel = selection();
    const canvases = sel ? part("layers").querySelectorAll(`canvas[data-layer="${sel.layer}"]`) : [];
    return /** @type {HTMLCanvasElement | undefined} */ (sel && canvases[sel.unit.length === 3 ? sel.unit[0] : 0]);
  }

  /** @param {Partial<NetworkState>} patch */
  function publish(patch) {
    state = { ...state, ...patch };
    part("back").hidden = !state.layer;
    part("back").textContent = `↑ back to ${state.layer}`;
    for (const button of part("samples").children) {
      button.setAttribute("aria-pressed", String(button.textContent === String(state.digit)));
    }
    onState(state);
  }

  /** @param {Error | null} err */
  function showError(err) {
    part("error").hidden = err === null;
    part("error").textContent = err ? `The server could not compute this: ${err.message}` : "";
  }

  /** Show a bundled digit (on the pad too, so it can be drawn over). @param {number} digit @param {number} index */
  async function pickSample(digit, index) {
    predictor.drop();
    publish({ digit, index });
    root.dataset.busy = "true";
    try {
      const sample = await api.digit(digit, index);
      if (state.digit !== digit || state.index !== index) return;
      pad.paint(sample.original);
      predictor.ask(() => ({ input: { digit, index }, picture: sample.original }));
    } catch (err) {
      showError(err instanceof Error ? err : new Error(String(err)));
    }
  }

  part("samples").replaceChildren(...Array.from({ length: 10 }, (_, digit) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "digit";
    button.textContent = String(digit);
    button.dataset.testid = `sample-${digit}`;
    button.setAttribute("aria-label", `sample digit ${digit}`);
    button.addEventListener("click", () => pickSample(digit, digit === state.digit ? state.index + 1 : 0));
    return button;
  }));
  part("back").addEventListener("click", () => {
    const canvas = selectedCanvas();
    canvas?.scrollIntoView({ block: "center", behavior: motion() });
    canvas?.focus({ preventScroll: true });
  });
  part("clear").addEventListener("click", () => {
    predictor.drop();
    pad.clear();
    publish({ digit: null });
    predictor.ask(drawing);
  });
  const onResize = () => drawLayers();
  window.addEventListener("resize", onResize);
  mountModelSwitch(part("model"), /** @type {HTMLButtonElement} */ (part("switch-model")), {
    api,
    onError: showError,
    onChange: () => {
      const last = shown;
      if (last) predictor.ask(() => ({ input: last.input, picture: last.picture }));
    },
  }).refresh();

  publish({});
  renderPrediction(part("prediction"), null);
  renderUnit(part("unit"), null, null);
  if (state.digit !== null) pickSample(state.digit, state.index);
  else predictor.ask(drawing);
  return {
    unmount: () => {
      predictor.cancel();
      explainer.cancel();
      window.removeEventListener("resize", onResize);
      el.replaceChildren();
    },
  };
}

/** Smooth scrolling, unless the reader asked for less motion. @returns {ScrollBehavior} */
function motion() {
  return window.matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth";
}
