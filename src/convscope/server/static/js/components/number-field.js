// Number inputs that say what is wrong beside themselves: the markup of one labelled field, and the
// check that fills (or clears) its message from the field's own min, max and step.

/**
 * One labelled number field with its hint and (hidden) problem line.
 * @param {{name: string, label: string, value: number, min: number, max: number, step: number | string,
 *   hint: string, idPrefix: string}} field
 * @returns {string}
 */
export function numberFieldHtml({ name, label, value, min, max, step, hint, idPrefix }) {
  return `
  <label>${label}
    <input type="number" name="${name}" value="${value}" min="${min}" max="${max}" step="${step}" required
      data-testid="field-${name}" aria-describedby="${idPrefix}-invalid-${name}">
    <span class="hint">${hint}</span>
    <span class="tr-invalid" id="${idPrefix}-invalid-${name}" data-testid="invalid-${name}" hidden></span>
  </label>`;
}

/**
 * Show (or clear) the message under a number field: what is allowed, in the field's own range.
 * @param {ParentNode} root  the view holding the field @param {HTMLInputElement} input
 * @returns {boolean} whether the value is allowed
 */
export function checkNumberField(root, input) {
  const note = /** @type {HTMLElement} */ (root.querySelector(`[data-testid="invalid-${input.name}"]`));
  const { valid, valueMissing, badInput } = input.validity;
  const kind = input.step === "any" ? "a number" : "a whole number";
  const allowed = `${kind} from ${input.min} to ${input.max}`;
  note.textContent = valid ? "" : valueMissing || badInput ? `Enter ${allowed}.` : `Must be ${allowed} (got ${input.value}).`;
  note.hidden = valid;
  input.setAttribute("aria-invalid", String(!valid));
  return valid;
}
