// The Layers view's controls: the input, the filters (named or random, how many, k, S, P, seed), the
// activation and the pooling. Each change is checked against the field's own range first; what only the
// server can judge comes back as a message naming the field, shown beside that field.

import { checkNumberField } from "../../components/number-field.js";
import { ACTIVATION_BUTTONS } from "./activation.js";
import { INTEGER_FIELDS } from "./state.js";

/**
 * @typedef {import("./state.js").LayersState} LayersState
 * @typedef {import("../../types-layers.js").LayersInputChoice} LayersInputChoice
 */

/**
 * @param {HTMLElement} root  the view
 * @param {(name: string) => HTMLElement} part
 * @param {{onChange: (patch: Partial<LayersState>) => void}} hooks
 */
export function mountSettings(root, part, { onChange }) {
  const select = /** @type {HTMLSelectElement} */ (part("input"));
  /** @type {LayersInputChoice[]} */
  let choices = [];
  const numberInput = (/** @type {string} */ name) => /** @type {HTMLInputElement} */ (root.querySelector(`input[name="${name}"]`));
  part("activations").innerHTML = ACTIVATION_BUTTONS.map(([name, label]) =>
    `<button type="button" data-activation="${name}" data-testid="activation-${name}">${label}</button>`).join("");

  select.addEventListener("change", () => onChange({ input: select.value, unit: null }));
  root.addEventListener("input", (event) => {
    const input = event.target;
    // Only the settings' own fields (they have names): the export panel's frames and fps are its own.
    if (!(input instanceof HTMLInputElement) || input.type !== "number" || !input.name) return;
    clearServerError(input.name);
    if (!checkNumberField(root, input)) return;
    onChange({ [input.name]: Number(input.value) });
  });
  root.addEventListener("click", (event) => {
    const button = /** @type {HTMLElement} */ (event.target).closest("button");
    if (button?.dataset.init) onChange({ init: button.dataset.init === "random" ? "random" : "named", unit: null });
    const activation = ACTIVATION_BUTTONS.find(([name]) => name === button?.dataset.activation);
    if (activation) onChange({ activation: activation[0] });
  });

  /** @param {string} name */
  function clearServerError(name) {
    const note = root.querySelector(`[data-testid="invalid-${name}"]`);
    if (note instanceof HTMLElement && note.dataset.server) { note.hidden = true; note.textContent = ""; delete note.dataset.server; }
  }

  return {
    /** The inputs the server offers, for the menu. @param {LayersInputChoice[]} list @param {string} current */
    setChoices(list, current) {
      choices = list;
      select.replaceChildren(...list.map((c) => new Option(`${c.label} (${c.size.join("×")}×${c.channels})`, c.name)));
      select.value = current;
      part("input-hint").textContent = choices.find((c) => c.name === current)?.description ?? "";
    },
    /** Show the state in the controls. @param {LayersState} state */
    update(state) {
      if (choices.length) select.value = state.input;
      part("input-hint").textContent = choices.find((c) => c.name === state.input)?.description ?? "";
      part("digit-fields").hidden = state.input !== "digit";
      part("seed-field").hidden = state.init !== "random";
      part("slope-field").hidden = state.activation !== "leaky_relu";
      const rec = /** @type {Record<string, unknown>} */ (state);
      for (const name of [...INTEGER_FIELDS, "negative_slope"]) {
        const input = numberInput(name);
        if (document.activeElement !== input && input.value !== String(rec[name])) input.value = String(rec[name]);
      }
      for (const button of root.querySelectorAll("button[data-init]")) {
        button.setAttribute("aria-pressed", String(/** @type {HTMLElement} */ (button).dataset.init === state.init));
      }
      for (const button of root.querySelectorAll("button[data-activation]")) {
        button.setAttribute("aria-pressed", String(/** @type {HTMLElement} */ (button).dataset.activation === state.activation));
      }
    },
    /**
     * Show the server's message beside the field it names; false when no field of the form has that name.
     * @param {string} message  "<status>: <field>: <what is allowed>"
     */
    showServerError(message) {
      const match = /^\d+: (\w+): (.*)$/s.exec(message);
      const note = match && root.querySelector(`[data-testid="invalid-${match[1]}"]`);
      if (!match || !(note instanceof HTMLElement)) return false;
      note.textContent = `${match[1]}: ${match[2]}`;
      note.hidden = false;
      note.dataset.server = "true";
      numberInput(match[1])?.setAttribute("aria-invalid", "true");
      return true;
    },
    /** Clear every message the server left beside a field. */
    clearServerErrors() {
      for (const note of root.querySelectorAll("[data-server]")) {
        const name = /** @type {HTMLElement} */ (note).dataset.testid?.replace("invalid-", "") ?? "";
        clearServerError(name);
        numberInput(name)?.setAttribute("aria-invalid", "false");
      }
    },
  };
}
