// One training step, explained: for one digit, the forward values, the loss, the gradient arriving at
// each layer and the update of two weights, in the order backpropagation works. The server computes
// every number (POST /api/training/step, the engine's own passes); this part lays them out.

import { errorMessage } from "../../components/error.js";
import { SIZES } from "../../config.js";
import { drawMap } from "../../draw/maps.js";

/** @typedef {import("../../types-training.js").StepExplanation} StepExplanation */
/** @typedef {import("../../types-training.js").WeightStep} WeightStep */

/** Four significant figures: gradients are small, and two decimals would show most of them as 0. @param {number} v */
export const sig = (v) => (v === 0 ? "0" : String(Number(v.toPrecision(4))));

const STEP_HTML = `
  <h2 id="tr-step-title">One step, explained</h2>
  <p class="hint">What one step of gradient descent does for one digit, in the order backpropagation works.
    The weights are those a run with the form's seed starts from; every number comes from the engine's own
    forward and backward passes.</p>
  <div class="tr-step-controls">
    <label>Digit <select data-step="digit" data-testid="step-digit">
      ${Array.from({ length: 10 }, (_, d) => `<option value="${d}"${d === 7 ? " selected" : ""}>${d}</option>`).join("")}
    </select></label>
    <label>Learning rate <select data-step="lr" data-testid="step-lr">
      <option value="0.01">0.01</option><option value="0.1" selected>0.1</option><option value="1">1</option>
    </select></label>
    <button type="button" data-step="go" data-testid="step-explain">Explain the step</button>
  </div>
  <p class="error" data-step="error" role="alert" hidden></p>
  <div data-step="body" data-testid="step-body" aria-live="polite"></div>`;

/**
 * @param {HTMLElement} el  the panel, filled here
 * @param {{api: import("../../api.js").Api, seed: () => number}} hooks  seed: the form's (the job's) seed
 * @returns {{destroy: () => void}}
 */
export function mountStep(el, { api, seed }) {
  el.innerHTML = STEP_HTML;
  const find = (/** @type {string} */ name) => /** @type {HTMLElement} */ (el.querySelector(`[data-step="${name}"]`));
  let asked = 0;
  let gone = false;

  async function explain() {
    const ticket = ++asked;
    const request = { digit: Number(/** @type {HTMLSelectElement} */ (find("digit")).value),
      lr: Number(/** @type {HTMLSelectElement} */ (find("lr")).value), seed: seed() };
    el.dataset.busy = "true";
    try {
      const step = await api.explainStep(request);
      if (gone || ticket !== asked) return;
      find("error").hidden = true;
      render(find("body"), step);
    } catch (err) {
      if (gone || ticket !== asked) return;
      find("error").hidden = false;
      find("error").textContent = errorMessage(err);
    } finally {
      if (ticket === asked) el.dataset.busy = "false";
    }
  }

  find("go").addEventListener("click", explain);
  find("digit").addEventListener("change", explain);
  find("lr").addEventListener("change", explain);
  explain();
  return { destroy: () => { gone = true; } };
}

/** @param {string} tag @param {string} text @param {string} [testid] */
function node(tag, text, testid) {
  const el = document.createElement(tag);
  el.textContent = text;
  if (testid) el.dataset.testid = testid;
  return el;
}

/** @param {HTMLElement} body @param {StepExplanation} step */
function render(body, step) {
  const p = step.probabilities[step.label];
  const image = document.createElement("canvas");
  image.setAttribute("role", "img");
  image.setAttribute("aria-label", `the training digit ${step.digit} (label ${step.label}), ${step.image.length} by ${step.image[0]?.length ?? 0} pixels`);
  drawMap(image, step.image, { cell: SIZES.filterSide / 32 * 1.5, scale: null });
  const loss = node("p", `p(${step.label}) = ${sig(p)}, so loss = −log ${sig(p)} = ${sig(step.loss)}`, "step-loss");
  loss.dataset.value = String(step.loss);
  const grad = node("p", step.grad_logits.map((g, d) => `${d}: ${sig(g)}`).join("   "), "step-grad-logits");
  grad.dataset.values = step.grad_logits.join(",");
  body.replaceChildren(
    stage("1. Forward", `The digit ${step.digit} (label ${step.label}) goes up through every layer; the table's `
      + "left columns say what each layer computed.", image),
    stage("2. Loss", "Cross-entropy: minus the log of the probability given to the true digit.", loss),
    stage("3. Gradient at the logits", "dL/d(logit) = probability − (1 for the true digit, else 0): "
      + "push the true digit's logit up, every other down.", grad),
    stage("4. Backward", "Each layer turns the gradient at its output into the gradient at its input (the "
      + "chain rule), from the last layer down: the right columns say how large it is on arrival.", table(step)),
    stage("5. Update", "Each weight moves against its gradient: w − learning rate × dL/dw.",
      ...step.weights.map(weightText)),
  );
}

/** @param {string} title @param {string} text @param {...HTMLElement} content */
function stage(title, text, ...content) {
  const section = document.createElement("div");
  section.className = "tr-step-stage";
  section.append(node("h3", title), node("p", text), ...content);
  return section;
}

/** Forward values and arriving gradients, layer by layer. @param {StepExplanation} step */
function table(step) {
  const t = document.createElement("table");
  t.className = "tr-step-table";
  t.dataset.testid = "step-layers";
  t.innerHTML = "<thead><tr><th>layer</th><th>output</th><th>min … max</th><th>|dL/d out|</th><th>largest</th></tr></thead>";
  const rows = document.createElement("tbody");
  for (const layer of step.layers) {
    const tr = document.createElement("tr");
    tr.dataset.layer = layer.name;
    tr.dataset.gradNorm = String(layer.grad_norm);
    for (const text of [layer.name, layer.shape.join("×"), `${sig(layer.output_min)} … ${sig(layer.output_max)}`,
      sig(layer.grad_norm), sig(layer.grad_max)]) tr.append(node("td", text));
    rows.append(tr);
  }
  t.append(rows);
  return t;
}

/** @param {WeightStep} w @param {number} i */
function weightText(w, i) {
  const where = `${w.layer}.weight[${w.index.join(", ")}]`;
  const sum = w.terms === 1
    ? `dL/dw = dL/dz × input = ${sig(w.upstream)} × ${sig(w.input)} = ${sig(w.grad)}`
    : `dL/dw = the sum over its ${w.terms} positions of dL/dz × input = ${sig(w.grad)} `
      + `(the largest term, at row ${w.at[0]}, column ${w.at[1]}: ${sig(w.upstream)} × ${sig(w.input)})`;
  const p = node("p", `${where} = ${sig(w.value)}; ${sum}; new w = ${sig(w.value)} − ${w.lr} × ${sig(w.grad)} `
    + `= ${sig(w.new_value)}`, `step-weight-${i}`);
  p.className = "tr-step-weight";
  p.dataset.grad = String(w.grad);
  p.dataset.newValue = String(w.new_value);
  return p;
}
