// The network explorer: draw a digit (or pick a sample) and watch LeNet read it, layer by layer, with
// the prediction updating while you draw. Click any unit to see its receptive field and the sum that
// gives its value. The server computes every number; this module wires the pad, requests and drawing.

import { showError, SERVER_FAILED } from "../../components/error.js";
import { createLatest } from "../../components/latest.js";
import { part as partOf, renderRoot } from "../../components/part.js";
import { mountExport } from "../../components/export.js";
import { createStage } from "../../components/stage.js";
import { mountInput } from "./input.js";
import { createLayers } from "./layers.js";
import { mountModelSwitch } from "./model.js";
import { renderPrediction, renderPreprocessing } from "./prediction.js";
import { networkFromParams, networkToParams } from "./state.js";
import { NETWORK_HTML } from "./template.js";
import { renderUnit } from "./unit.js";
import { createZoom } from "./zoom.js";

/** The sample a first visit opens with, so the pad, the prediction and every layer are filled at once. */
const FIRST_SAMPLE = 7;

/** @typedef {import("./state.js").NetworkState} NetworkState */
/** @typedef {import("../../types.js").NetworkInput} Input */
/** @typedef {{input: Input, picture: number[][] | null, result: import("../../types.js").PredictLesson}} Answer */

/** @type {import("../../view.js").View<NetworkState>} */
export const view = {
  route: "network",
  title: "Network explorer",
  stateFromUrl: networkFromParams,
  stateToUrl: networkToParams,
  mount,
};

/**
 * @param {HTMLElement} el
 * @param {import("../../view.js").ViewContext<NetworkState>} ctx
 * @returns {() => void} unmount
 */
function mount(el, { api, state: initial, onState }) {
  const root = renderRoot(el, NETWORK_HTML);
  const part = (/** @type {string} */ name) => partOf(root, name);
  let state = { ...initial };
  /** @type {Answer | null} */
  let shown = null;
  /** @type {import("../../types.js").FieldRegion[]} */
  let field = [];
  /** Whether the next explanation was asked for by a click or tap (then it is brought into view). */
  let reveal = false;

  const selection = () => (state.layer && state.unit ? { layer: state.layer, unit: state.unit } : null);
  const layers = createLayers(part("layers"), { onSelect: select });
  const zoom = createZoom(part("zoom"), { onPick: (sel) => select(sel, "key") });
  const stage = createStage(root, drawLayers);
  const drawing = () => { const image = input.image(); return { input: { image }, picture: image }; };
  const input = mountInput(root, {
    onInk: () => { if (state.digit !== null) publish({ digit: null }); predictor.ask(drawing); },
    onDrawn: () => { if (state.digit !== null) publish({ digit: null }); predictor.ask(drawing); },
    onSample: (digit) => pickSample(digit, digit === state.digit ? state.index + 1 : 0),
    onClear: () => { predictor.drop(); publish({ digit: null }); predictor.ask(drawing); },
  });

  const predictor = createLatest(
    async (/** @type {() => {input: Input, picture: number[][] | null}} */ make) => {
      const { input: asked, picture } = make();
      return { input: asked, picture, result: await api.predict(asked) };
    },
    { onResult: showPrediction, onError: fail, onBusy: (busy) => { root.dataset.busy = String(busy); } },
  );
  // Its scripts hold the drawing's numbers themselves: no input file to save beside them.
  const unexport = mountExport(part("export"), { api, view: "network", kinds: ["png", "numpy", "torch"],
    request: () => shown?.input ?? null, needsInput: () => false,
    note: () => (shown?.result.model === "trained" ? " It loads your trained model: save it beside it as "
      + "convscope-lenet.npz (Training page, Download weights)." : "") });
  const explainer = createLatest(api.unit, {
    onResult: (info) => {
      field = info.receptive_field.per_layer;
      renderUnit(part("unit"), info, shown?.result.preprocessing?.padded ?? null);
      drawLayers();
      if (reveal) revealUnit(part("unit"));
      reveal = false;
    },
    onError: fail,
    onBusy: (busy) => { part("unit").dataset.busy = String(busy); },
  });

  /** @param {Answer} answer */
  function showPrediction(answer) {
    shown = answer;
    showError(part("error"), null);
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
    const sel = selection();
    const layer = result && !result.empty && sel ? result.layers.find((l) => l.name === sel.layer) ?? null : null;
    zoom.render(layer, sel?.unit ?? null);
  }

  /** Ask the server to explain the selected unit for the input on show. */
  function explain() {
    const sel = selection();
    if (!sel || !shown || shown.result.empty) renderUnit(part("unit"), null, null);
    else explainer.ask({ ...shown.input, ...sel });
  }

  /** @param {import("./layers.js").Selection} sel @param {"pointer" | "key"} via */
  function select(sel, via) {
    reveal = via === "pointer";
    publish({ layer: sel.layer, unit: sel.unit });
    field = [];
    drawLayers();
    explain();
  }

  /** @param {Partial<NetworkState>} patch */
  function publish(patch) {
    state = { ...state, ...patch };
    part("back").hidden = !state.layer;
    part("back").textContent = `↑ back to ${state.layer}`;
    input.markSample(state.digit);
    onState(state);
  }

  /** @param {Error} err */
  function fail(err) {
    showError(part("error"), err, SERVER_FAILED);
  }

  /** Show a bundled digit (on the pad too, so it can be drawn over). @param {number} digit @param {number} index */
  async function pickSample(digit, index) {
    predictor.drop();
    publish({ digit, index });
    root.dataset.busy = "true";
    try {
      const sample = await api.digit(digit, index);
      if (state.digit !== digit || state.index !== index) return;
      input.show(sample.original);
      predictor.ask(() => ({ input: { digit, index }, picture: sample.original }));
    } catch (err) {
      showError(part("error"), err, SERVER_FAILED);
      if (state.digit === digit && state.index === index) root.dataset.busy = "false"; // nothing more is coming
    }
  }

  part("back").addEventListener("click", () => {
    const canvas = selectedCanvas(part("layers"), selection());
    canvas?.scrollIntoView({ block: "center", behavior: motion() });
    canvas?.focus({ preventScroll: true });
  });
  mountModelSwitch(part("model"), /** @type {HTMLButtonElement} */ (part("switch-model")), {
    api,
    onError: fail,
    onChange: () => {
      const last = shown;
      if (last) predictor.ask(() => ({ input: last.input, picture: last.picture }));
    },
  }).refresh();

  publish({});
  renderPrediction(part("prediction"), null);
  renderUnit(part("unit"), null, null);
  // A first visit (no sample in the address) opens on a sample, not an empty pad.
  pickSample(state.digit ?? FIRST_SAMPLE, state.digit === null ? 0 : state.index);
  return () => {
    predictor.cancel();
    explainer.cancel();
    stage.destroy();
    unexport();
    el.replaceChildren();
  };
}

/**
 * The selected unit's map (or bar chart), the way back from the unit panel.
 * @param {HTMLElement} layers @param {import("./layers.js").Selection | null} sel
 */
function selectedCanvas(layers, sel) {
  const canvases = sel ? layers.querySelectorAll(`canvas[data-layer="${sel.layer}"]`) : [];
  return /** @type {HTMLCanvasElement | undefined} */ (sel && canvases[sel.unit.length === 3 ? sel.unit[0] : 0]);
}

/** Stacked on a narrow screen, the unit panel is far below the tapped map: scroll it up into view. @param {HTMLElement} unit */
function revealUnit(unit) {
  const panel = /** @type {HTMLElement} */ (unit.closest(".nw-unit"));
  const top = panel.getBoundingClientRect().top;
  if (top >= 0 && top < window.innerHeight - 120) return;
  panel.scrollIntoView({ block: "start", behavior: motion() });
}

/** Smooth scrolling, unless the reader asked for less motion. @returns {ScrollBehavior} */
function motion() {
  return window.matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth";
}
