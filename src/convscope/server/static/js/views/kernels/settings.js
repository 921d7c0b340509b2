// The "How" panel: channels, signed or clamped, padding, flip, which picture, and the composition's
// second kernel. Each control reports its one setting; `update` shows the state it is given.

import { part as partOf } from "../../components/part.js";

/** @typedef {import("./state.js").KernelsState} KernelsState */
/** @typedef {import("../../types-kernels.js").KernelInfoRecord} KernelInfoRecord */

/** @param {HTMLSelectElement} select @param {[string, string][]} options @param {string} value */
function fill(select, options, value) {
  const html = options.map(([v, text]) => `<option value="${v}">${text}</option>`).join("");
  if (select.dataset.options !== html) { select.innerHTML = html; select.dataset.options = html; }
  // Only when it changes: setting a select's value, even to the one it has, re-selects the option
  // (4 ms of a weight edit's input handler in a chromium trace, measured under load).
  if (select.value !== value) select.value = value;
}

/**
 * @param {HTMLElement} root  the settings panel
 * @param {{onChange: (patch: Partial<KernelsState>) => void}} hooks
 */
export function mountSettings(root, { onChange }) {
  const part = (/** @type {string} */ name) => partOf(root, name);
  const select = (/** @type {string} */ name) => /** @type {HTMLSelectElement} */ (part(name));
  const check = (/** @type {string} */ name) => /** @type {HTMLInputElement} */ (part(name));

  for (const key of /** @type {const} */ (["channels", "display", "padding", "view"])) {
    select(key).addEventListener("change", () => onChange({ [key]: select(key).value }));
  }
  check("flip").addEventListener("change", () => onChange({ flip: check("flip").checked }));
  select("second").addEventListener("change", () => onChange({ second: select("second").value }));
  select("second-size").addEventListener("change", () => onChange({ secondSize: Number(select("second-size").value) }));

  return {
    /** @param {KernelsState} state @param {KernelInfoRecord[]} catalogue */
    update(state, catalogue) {
      for (const key of /** @type {const} */ (["channels", "display", "padding", "view"])) {
        if (select(key).value !== state[key]) select(key).value = state[key];
      }
      check("flip").checked = state.flip;
      fill(select("second"), [["", "nothing (no composition)"], ...catalogue.map((k) => /** @type {[string, string]} */ ([k.name, k.label]))], state.second);
      const info = catalogue.find((k) => k.name === state.second);
      fill(select("second-size"), (info?.sizes ?? [state.secondSize]).map((s) => [String(s), `${s}×${s}`]), String(state.secondSize));
      select("second-size").disabled = !info;
    },
  };
}
