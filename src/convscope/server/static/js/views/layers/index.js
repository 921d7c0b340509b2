// The Layers page: what a CNN layer does with depth. A colour (or one-channel) input meets a bank of
// filters, each as deep as the input; click any unit of the output volume to see its sum across depth;
// then one map goes through an activation and through max, average, sum and L2 pooling side by side,
// with where each sends the gradient back. The server computes every number; this module wires parts.

import { showError, SERVER_FAILED } from "../../components/error.js";
import { mountExport } from "../../components/export.js";
import { createLatest } from "../../components/latest.js";
import { part as partOf, renderRoot } from "../../components/part.js";
import { renderActivation } from "./activation.js";
import { createPooling } from "./pooling.js";
import { mountSettings } from "./settings.js";
import { layersFromParams, layersToParams, VOLUME_FIELDS } from "./state.js";
import { LAYERS_HTML } from "./template.js";
import { renderUnit } from "./unit.js";
import { createVolume, renderFilters, renderInput } from "./volume.js";

/** @typedef {import("./state.js").LayersState} LayersState */
/** @typedef {import("../../types-layers.js").LayersLesson} LayersLesson */

/** @type {import("../../view.js").View<LayersState>} */
export const view = {
  route: "layers",
  title: "Layers: depth, activation, pooling",
  stateFromUrl: layersFromParams,
  stateToUrl: layersToParams,
  mount,
};

/**
 * The output side's formula with the numbers in, "H_out = (32 − 3 + 2×1)/2 + 1 = 16.5 → 16" (the server's).
 * @param {import("../../types.js").Explanation} explanation
 */
function sizeFormula(explanation) {
  const axis = explanation.axes[0];
  const floored = axis.output !== null && axis.exact_output !== axis.output ? `, floored to ${axis.output}` : "";
  const sides = explanation.input_size[0] === explanation.input_size[1] ? "H_out = W_out" : "H_out";
  return `${sides}: ${axis.formula.replace(/^O = /, "(H + 2P − k)/S + 1 = ")}${floored}`;
}

/**
 * @param {HTMLElement} el
 * @param {import("../../view.js").ViewContext<LayersState>} ctx
 * @returns {() => void} unmount
 */
function mount(el, { api, state: initial, onState }) {
  const root = renderRoot(el, LAYERS_HTML);
  const part = (/** @type {string} */ name) => partOf(root, name);
  let state = { ...initial };
  let closed = false;

  const settings = mountSettings(root, part, { onChange: change });
  const volume = createVolume(part("volume"), { onSelect: (unit, via) => selectUnit(unit, via) });
  const pooling = createPooling(part("pooling"));
  const lessons = createLatest(api.layers, {
    onResult: show,
    onError: fail,
    onBusy: (busy) => { root.dataset.busy = String(busy); },
  });

  /** @param {LayersLesson} lesson */
  function show(lesson) {
    showError(part("error"), null);
    settings.clearServerErrors();
    const [f, h, w] = lesson.output_shape;
    const channels = lesson.input.slices.length;
    const k = lesson.explanation.kernel_size[0];
    part("input-shape").textContent = `${channels} × ${lesson.input.slices[0].length} × ${lesson.input.slices[0][0].length} (C × H × W)`;
    part("filter-shape").textContent = `${f} × ${channels} × ${k} × ${k} (filters × C × k × k)`;
    part("output-shape").textContent = `${f} × ${h} × ${w} (filters × H_out × W_out)`;
    part("formula").textContent = `${sizeFormula(lesson.explanation)}; the depth is the number of filters, ${f}.`;
    renderInput(part("input-slices"), lesson);
    renderFilters(part("filters"), lesson);
    volume.render(lesson);
    renderUnit(part("unit"), lesson.unit);
    renderActivation(part("activation"), lesson.activation, lesson.unit.filter);
    const pool = lesson.pooling;
    part("pool-shape").textContent = `on map ${lesson.unit.filter + 1}: ${h} × ${w} → ${pool.kinds[0].output.length} × ${pool.kinds[0].output[0].length}`;
    part("pool-formula").textContent = sizeFormula(pool.explanation);
    pooling.render(pool, lesson.activation.after, [lesson.unit.row, lesson.unit.col]);
  }

  /** @param {Error} err */
  function fail(err) {
    // A unit from an old link may lie outside today's output: explain the default one instead.
    if (state.unit && /^400: unit: /.test(err.message)) { change({ unit: null }); return; }
    if (!settings.showServerError(err.message)) showError(part("error"), err, SERVER_FAILED);
    else showError(part("error"), null);
  }

  /** @param {number[]} unit @param {"pointer" | "key"} via */
  function selectUnit(unit, via) {
    change({ unit });
    if (via === "pointer") part("unit").closest("section")?.scrollIntoView({ block: "nearest" });
  }

  /** @param {Partial<LayersState>} patch */
  function change(patch) {
    const forgets = Object.keys(patch).some((name) => VOLUME_FIELDS.includes(name));
    state = { ...state, ...(forgets ? { unit: null } : {}), ...patch };
    settings.update(state);
    onState(state);
    lessons.ask(state);
  }

  // An export is drawn from the request the page last sent: its state is that request.
  const unexport = mountExport(part("export"), { api, view: "layers", request: () => ({ ...state }),
    title: "Export the layer and its pooling", fps: 5 });
  api.layersInputs().then((choices) => { if (!closed) settings.setChoices(choices, state.input); })
    .catch((err) => { if (!closed) fail(err); });
  settings.update(state);
  lessons.ask(state);
  return () => {
    closed = true;
    lessons.cancel();
    unexport();
    el.replaceChildren();
  };
}
