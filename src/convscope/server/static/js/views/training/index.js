// Live training: choose a LeNet's settings, start, and watch its loss and accuracy curves and its
// conv1 filters change as the server trains it. The server owns the job; this view follows its event
// stream, catches up from GET /api/training after a reload, and can stop it at any time.

import { errorMessage } from "../../components/error.js";
import { mountExport } from "../../components/export.js";
import { checkNumberField } from "../../components/number-field.js";
import { part as partOf, renderRoot } from "../../components/part.js";
import { createStage } from "../../components/stage.js";
import { drawCharts, drawFilters } from "./charts.js";
import { applyEvent, emptyRecord, fromStatus, isProgress, runFraction } from "./record.js";
import { mountStep } from "./step.js";
import { TRAINING_HTML } from "./template.js";

const ENDINGS = ["done", "stopped", "error"];
const INTEGER_FIELDS = ["conv1_channels", "conv2_channels", "kernel_size", "batch_size", "epochs", "train_size", "augment"];

/** The training job lives on the server, so this view keeps nothing in the URL. */
/** @type {import("../../view.js").View<{}>} */
export const view = {
  route: "training",
  title: "Live training",
  stateFromUrl: () => ({}),
  stateToUrl: () => new URLSearchParams(),
  mount,
};

/**
 * @param {HTMLElement} el
 * @param {import("../../view.js").ViewContext<{}>} ctx
 * @returns {() => void} unmount
 */
function mount(el, { api }) {
  const root = renderRoot(el, TRAINING_HTML);
  const part = (/** @type {string} */ name) => partOf(root, name);
  const form = /** @type {HTMLFormElement} */ (part("form"));
  let record = emptyRecord();
  let closed = false;
  let stopFollowing = () => {};
  // Fields the user has changed: the last run's settings, which arrive a moment after the form is
  // drawn, fill only the others, so what someone types at once is not overwritten under them.
  const touched = new Set();
  // Redraw at most once per animation frame, however fast events arrive, and when the view's width changes.
  const stage = createStage(root, render);
  const schedule = stage.schedule;

  function render() {
    const { state, last, ending } = record;
    const running = state === "running";
    const status = part("status");
    status.dataset.status = state;
    status.dataset.epochs = String(record.epochs.length);
    status.dataset.job = record.job ?? "";  // which run the status is of: a new one, or the last one's ending
    part("status-text").textContent = {
      idle: "No training yet", running: "Training…", done: "Done", stopped: "Stopped", error: "Failed",
    }[state] ?? state;
    const step = record.progress.at(-1) ?? (isProgress(last) ? last : null);
    part("epoch").textContent = step?.batches ? `epoch ${step.epoch} of ${step.epochs}, batch ${step.batch} of ${step.batches}` : "";
    part("speed").textContent = step?.images_per_second ? `${Math.round(step.images_per_second).toLocaleString("en")} images/s` : "";
    // One accuracy per model: once the job has ended, the one it measured on its final weights.
    const held = ending?.accuracy ?? record.epochs.at(-1)?.val_accuracy ?? null;
    part("latest").textContent = held !== null ? `held-out accuracy ${(held * 100).toFixed(1)}%` : "";
    part("latest").dataset.accuracy = held === null ? "" : String(held);
    const progress = /** @type {HTMLProgressElement} */ (part("progress"));
    const done = state === "done" ? 1 : runFraction(step);
    progress.value = done;
    part("run").textContent = step ? `${Math.floor(done * 100)}% of the run` : "";
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
    const loss = record.config?.loss ?? /** @type {HTMLSelectElement} */ (form.elements.namedItem("loss")).value;
    drawCharts(part, record, String(loss));
    drawFilters(part("filters"), record.filters);
  }

  /** Stacked on a phone, the progress and curves are below the settings: bring them up to watch. */
  function revealProgress() {
    const panel = part("status").closest("section");
    if (panel && panel.getBoundingClientRect().top > window.innerHeight - 120) panel.scrollIntoView({ block: "start" });
  }

  /** @param {string} text @param {boolean} [isError] */
  function showMessage(text, isError = true) {
    const message = part("message");
    message.hidden = text === "";
    message.textContent = text;
    message.classList.toggle("is-note", !isError);
  }

  /** Show the settings of the job on the server (a reloaded page, another tab). @param {import("./record.js").JobSettings | null} config */
  function showSettings(config) {
    for (const [name, value] of Object.entries(config ?? {})) {
      const field = /** @type {HTMLInputElement | null} */ (form.elements.namedItem(name));
      if (field && !touched.has(name)) field.value = String(value);
    }
  }

  /** The form's values, typed as the API wants them. */
  function settings() {
    const data = new FormData(form);
    /** @type {Record<string, string | number>} */
    const out = {};
    for (const [key, value] of data.entries()) {
      const text = String(value);
      if (key === "steps_per_second") {
        if (text !== "") out[key] = Number(text);  // absent: full speed
        continue;
      }
      out[key] = INTEGER_FIELDS.includes(key) ? Number.parseInt(text, 10) : key === "lr" ? Number(text) : text;
    }
    return out;
  }

  /** Follow the job's event stream until its final event (then the server ends the stream). */
  function follow() {
    stopFollowing();
    if (closed) return;  // a start answered after the view was left: nothing here to show it
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
    }, (err) => showMessage(errorMessage(err)));
  }

  /** Say next to each number field what is wrong with it; true when all are fine. */
  function checkFields() {
    const inputs = /** @type {HTMLInputElement[]} */ ([...form.querySelectorAll("input[type=number]")]);
    for (const input of inputs) checkNumberField(root, input);
    const bad = inputs.find((input) => !input.validity.valid);
    bad?.focus();
    return !bad;
  }

  form.addEventListener("change", (event) => {
    touched.add(/** @type {HTMLInputElement} */ (event.target).name);
    schedule();  // the loss key names the chosen loss
  });
  form.addEventListener("input", (event) => {
    const input = /** @type {HTMLInputElement} */ (event.target);
    touched.add(input.name);
    if (input.type === "number" && input.getAttribute("aria-invalid") === "true") checkNumberField(root, input);
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
      revealProgress();
    } catch (err) {
      showMessage(errorMessage(err));
    }
  });
  part("stop").addEventListener("click", () => {
    api.stopTraining().catch((err) => showMessage(errorMessage(err)));
  });
  part("use").addEventListener("click", async () => {
    try {
      await api.useTrained();
      part("used").innerHTML = `The network view now uses this model. <a href="#/network">Open it</a>.`;
    } catch (err) {
      showMessage(errorMessage(err));
    }
  });

  // A reloaded page catches up from the status, then follows a job that is still running.
  api.training().then(
    (status) => {
      if (record.job !== null || closed) return;
      record = fromStatus(status);
      showSettings(record.config);
      const pace = /** @type {HTMLSelectElement} */ (form.elements.namedItem("steps_per_second"));
      if (!touched.has(pace.name)) pace.value = status.steps_per_second ? String(status.steps_per_second) : "";
      if (record.state === "running") follow();
      else if (!record.filters && (record.state === "done" || record.state === "stopped")) loadFilters(record.job);
      schedule();
    },
    (err) => showMessage(errorMessage(err)),
  );
  const step = mountStep(part("step"), { api, seed: () => record.config?.seed ?? 0 });
  // The figure is the server's run (its curves and recipe); the scripts train what the form says now.
  const unexport = mountExport(part("export"), {
    api, view: "training", kinds: ["png", "numpy", "torch"], request: settings, needsInput: () => false,
    send: (kind, body) => (kind === "png" ? api.trainingFigure() : api.exportFile("training", kind, body)),
  });
  render();
  return () => {
    closed = true;
    unexport();
    step.destroy();
    stage.destroy();
    stopFollowing();
    el.replaceChildren();
  };
}
