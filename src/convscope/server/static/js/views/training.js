// Live training: choose a LeNet's settings, start, and watch its loss and accuracy curves and its
// conv1 filters change as the server trains it. The server owns the job; this view follows its event
// stream, catches up from GET /api/training after a reload, and can stop it at any time.

import { drawCurves } from "../draw/curves.js";
import { drawMap, layerScale } from "../draw/maps.js";
import { applyEvent, curves, emptyRecord, fromStatus } from "./training-record.js";
import { TRAINING_HTML } from "./training-template.js";

const COLORS = Object.freeze({ train: "#0b5fff", held: "#e8590c" });
const ENDINGS = ["done", "stopped", "error"];
const LOSS_NAMES = /** @type {Record<string, string>} */ ({
  cross_entropy: "cross-entropy", half_squared_error: "half squared error",
});
const INTEGER_FIELDS = ["conv1_channels", "conv2_channels", "kernel_size", "batch_size", "epochs", "train_size"];

/**
 * @param {HTMLElement} el
 * @param {{api: import("../api.js").Api}} ctx
 * @returns {{unmount: () => void}}
 */
export function mount(el, { api }) {
  el.innerHTML = TRAINING_HTML;
  const part = (/** @type {string} */ name) => /** @type {HTMLElement} */ (el.querySelector(`[data-part="${name}"]`));
  const form = /** @type {HTMLFormElement} */ (part("form"));
  let record = emptyRecord();
  let frame = 0;
  let closed = false;
  let stopFollowing = () => {};

  /** Redraw at most once per animation frame, however fast events arrive. */
  function schedule() {
    if (!frame && !closed) frame = requestAnimationFrame(() => { frame = 0; render(); });
  }

  function render() {
    const { state, last, ending } = record;
    const running = state === "running";
    const status = part("status");
    status.dataset.status = state;
    status.dataset.epochs = String(record.epochs.length);
    part("status-text").textContent = {
      idle: "No training yet", running: "Training…", done: "Done", stopped: "Stopped", error: "Failed",
    }[state] ?? state;
    const step = record.progress.at(-1) ?? last;
    part("epoch").textContent = step?.batches ? `epoch ${step.epoch} of ${step.epochs}, batch ${step.batch} of ${step.batches}` : "";
    part("speed").textContent = step?.images_per_second ? `${Math.round(step.images_per_second).toLocaleString("en")} images/s` : "";
    const held = record.epochs.at(-1);
    part("latest").textContent = held ? `held-out accuracy ${(held.val_accuracy * 100).toFixed(1)}%` : "";
    const progress = /** @type {HTMLProgressElement} */ (part("progress"));
    progress.value = step?.batches ? step.batch / step.batches : 0;
    progress.setAttribute("aria-label", "progress through the epoch");
    if (ending && state !== "running") {
      const why = ending.type === "error" ? ending.message : ending.type === "stopped" ? ending.reason : null;
      showMessage(why ? `${part("status-text").textContent}: ${why}` : "", ending.type === "error");
    }
    /** @type {HTMLButtonElement} */ (part("start")).disabled = running;
    /** @type {HTMLButtonElement} */ (part("stop")).disabled = !running;
    const finished = state === "done" || state === "stopped";
    /** @type {HTMLButtonElement} */ (part("use")).disabled = !finished;
    const download = /** @type {HTMLAnchorElement} */ (part("download"));
    if (finished) download.href = api.weightsUrl();
    else download.removeAttribute("href");
    download.setAttribute("aria-disabled", String(!finished));
    drawCharts();
    drawFilters(part("filters"), record.filters);
  }

  function drawCharts() {
    const c = curves(record);
    const loss = record.config?.loss ?? /** @type {HTMLSelectElement} */ (form.elements.namedItem("loss")).value;
    part("loss-key-train").textContent = `training ${LOSS_NAMES[loss] ?? loss} (per batch)`;
    part("loss-note").hidden = loss !== "half_squared_error";
    const width = Math.max(240, part("loss-chart").parentElement?.clientWidth ?? 400) - 30;
    const chart = { width, height: 220, xMax: c.epochs, xLabel: "epoch" };
    drawCurves(/** @type {HTMLCanvasElement} */ (part("loss-chart")), { ...chart, yLabel: "loss", series: [
      { points: c.trainLoss, color: COLORS.train }, { points: c.valLoss, color: COLORS.held, dots: true }] });
    drawCurves(/** @type {HTMLCanvasElement} */ (part("accuracy-chart")), { ...chart, yLabel: "accuracy", yRange: [0, 1],
      series: [{ points: c.trainAccuracy, color: COLORS.train }, { points: c.valAccuracy, color: COLORS.held, dots: true }] });
    part("loss-chart").dataset.points = String(c.trainLoss.length);
    part("accuracy-chart").dataset.heldOut = c.valAccuracy.map(([, v]) => v.toFixed(4)).join(",");
  }

  /** @param {string} text @param {boolean} [isError] */
  function showMessage(text, isError = true) {
    const message = part("message");
    message.hidden = text === "";
    message.textContent = text;
    message.classList.toggle("is-note", !isError);
  }

  /** Show the settings of the job on the server (a reloaded page, another tab). @param {any} config */
  function showSettings(config) {
    for (const [name, value] of Object.entries(config ?? {})) {
      const field = /** @type {HTMLInputElement | null} */ (form.elements.namedItem(name));
      if (field) field.value = String(value);
    }
  }

  /** The form's values, typed as the API wants them. */
  function settings() {
    const data = new FormData(form);
    /** @type {Record<string, string | number>} */
    const out = {};
    for (const [key, value] of data.entries()) {
      const text = String(value);
      out[key] = INTEGER_FIELDS.includes(key) ? Number.parseInt(text, 10) : key === "lr" ? Number(text) : text;
    }
    return out;
  }

  /** Follow the job's event stream until its final event (then the server ends the stream). */
  function follow() {
    stopFollowing();
    const close = api.trainingEvents(
      (event) => {
        record = applyEvent(record, event);
        if (ENDINGS.includes(event.type)) {
          close();
          if (!record.filters && event.type !== "error") loadFilters(record.job);
        }
        schedule();
      },
      (open) => { part("status").dataset.connected = String(open); },
    );
    stopFollowing = close;
  }

  /** The status keeps no filters once a job has ended: read them from the trained model. @param {string | null} job */
  function loadFilters(job) {
    api.model("trained").then((model) => {
      if (record.job !== job || record.filters) return;
      record = { ...record, filters: model.conv1_filters };
      schedule();
    }, (err) => showMessage(err instanceof Error ? err.message : String(err)));
  }

  /** Say next to each number field what is wrong with it; true when all are fine. */
  function checkFields() {
    const inputs = /** @type {HTMLInputElement[]} */ ([...form.querySelectorAll("input[type=number]")]);
    for (const input of inputs) showProblem(input);
    const bad = inputs.find((input) => !input.validity.valid);
    bad?.focus();
    return !bad;
  }

  form.addEventListener("change", () => schedule());  // the loss key names the chosen loss
  form.addEventListener("input", (event) => {
    const input = /** @type {HTMLInputElement} */ (event.target);
    if (input.type === "number" && input.getAttribute("aria-invalid") === "true") showProblem(input);
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!checkFields()) return;  // nothing is sent until every field holds an allowed value
    showMessage("");
    part("used").textContent = "";
    const wanted = settings();
    try {
      const { job } = await api.startTraining(wanted);
      record = { ...emptyRecord(), state: "running", job, config: wanted };
      follow();
      schedule();
    } catch (err) {
      showMessage(err instanceof Error ? err.message : String(err));
    }
  });
  part("stop").addEventListener("click", () => {
    api.stopTraining().catch((err) => showMessage(err instanceof Error ? err.message : String(err)));
  });
  part("use").addEventListener("click", async () => {
    try {
      await api.useTrained();
      part("used").innerHTML = `The network view now uses this model. <a href="#/network">Open it</a>.`;
    } catch (err) {
      showMessage(err instanceof Error ? err.message : String(err));
    }
  });

  // A reloaded page catches up from the status, then follows a job that is still running.
  api.training().then(
    (status) => {
      if (record.job !== null || closed) return;
      record = fromStatus(status);
      showSettings(record.config);
      if (record.state === "running") follow();
      else if (!record.filters && (record.state === "done" || record.state === "stopped")) loadFilters(record.job);
      schedule();
    },
    (err) => showMessage(err instanceof Error ? err.message : String(err)),
  );
  const onResize = () => schedule();
  window.addEventListener("resize", onResize);
  render();
  return {
    unmount: () => {
      closed = true;
      cancelAnimationFrame(frame);
      stopFollowing();
      window.removeEventListener("resize", onResize);
      el.replaceChildren();
    },
  };
}

/**
 * conv1's filters as small images on one shared diverging scale, so their contrast compares.
 * @param {HTMLElement} el @param {number[][][] | null} filters
 */
function drawFilters(el, filters) {
  if (!filters) {
    el.replaceChildren();
    el.dataset.count = "0";
    return;
  }
  while (el.children.length > filters.length) el.lastElementChild?.remove();
  while (el.children.length < filters.length) el.append(document.createElement("canvas"));
  const range = layerScale(filters);
  const scale = range.kind === "diverging" ? range : layerScale([-1e-9, ...filters.flat(2)]);
  filters.forEach((filter, i) => drawMap(/** @type {HTMLCanvasElement} */ (el.children[i]), filter, { cell: 60 / filter.length, scale }));
  el.dataset.count = String(filters.length);
}

/**
 * Show (or clear) the message under a number field: what is allowed, in the field's own range.
 * @param {HTMLInputElement} input
 */
function showProblem(input) {
  const note = /** @type {HTMLElement} */ (document.getElementById(`tr-invalid-${input.name}`));
  const { valid, valueMissing, badInput } = input.validity;
  const kind = input.step === "any" ? "a number" : "a whole number";
  const allowed = `${kind} from ${input.min} to ${input.max}`;
  note.textContent = valid ? "" : valueMissing || badInput ? `Enter ${allowed}.` : `Must be ${allowed} (got ${input.value}).`;
  note.hidden = valid;
  input.setAttribute("aria-invalid", String(!valid));
}
