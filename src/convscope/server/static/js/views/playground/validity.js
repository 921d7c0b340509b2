// The validity box: the output-size formula with the user's numbers, and, when the settings do not
// tile the input, why, which border cells a floor-rounding framework drops, and one-click fixes.

import { LIMITS } from "../../config.js";

/** @typedef {import("../../types.js").Suggestion} Suggestion */
/** @typedef {import("../../types.js").Explanation} Explanation */

/**
 * @param {HTMLElement} el  emptied and refilled
 * @param {Explanation} explanation  explain_convolution(...) from the server
 * @param {(fix: Suggestion) => boolean} canApply  whether the controls can show a suggestion
 * @param {(fix: Suggestion) => void} onFix
 */
export function renderValidity(el, explanation, canApply, onFix) {
  const valid = Boolean(explanation.valid);
  el.classList.toggle("is-valid", valid);
  el.classList.toggle("is-invalid", !valid);
  el.dataset.valid = String(valid);

  const head = document.createElement("p");
  head.className = "validity-head";
  const badge = document.createElement("span");
  badge.className = "validity-badge";
  badge.textContent = valid ? "✓ Valid" : "✗ Invalid";
  // The summary restates the reasons when invalid; show it only for valid settings, without its prefix.
  if (valid) head.append(badge, ` ${String(explanation.summary ?? "").replace(/^(Valid|Invalid):\s*/, "")}`);
  else head.append(badge);

  const formulas = document.createElement("div");
  formulas.className = "validity-formulas";
  const [height, width] = explanation.axes;
  const same = height.formula === width.formula;
  const lines = same ? [["height & width", height.formula]] : [["height", height.formula], ["width", width.formula]];
  for (const [axis, formula] of lines) {
    const line = document.createElement("p");
    line.className = "formula";
    line.dataset.testid = "formula";
    const label = document.createElement("span");
    label.className = "formula-axis";
    label.textContent = `${axis}: `;
    line.append(label, formula);
    formulas.append(line);
  }
  if (valid) {
    // The box takes the height of its content (it sits below the stage, so growing moves nothing).
    const key = document.createElement("p");
    key.className = "hint";
    key.textContent = "W input, K kernel (dilated), P padding, S stride. The windows tile the input exactly " +
      "when the kernel fits and W − K + 2P is a multiple of S.";
    el.replaceChildren(head, formulas, key);
    return;
  }
  head.append(formulas);
  el.replaceChildren(head);

  const reasons = document.createElement("ul");
  reasons.className = "validity-reasons";
  reasons.dataset.testid = "validity-reasons";
  for (const text of explanation.reasons ?? []) {
    const li = document.createElement("li");
    li.textContent = text;
    reasons.append(li);
  }
  // Fixes before the prose: what to do first, then why.
  el.append(...fixButtons(explanation, canApply, onFix), reasons);
}

/**
 * The nearest few fixes the sliders can reach (a fix the controls would have to clamp is no fix).
 * @param {Explanation} explanation @param {(fix: Suggestion) => boolean} canApply @param {(fix: Suggestion) => void} onFix
 * @returns {HTMLElement[]}  [] when there is none
 */
function fixButtons(explanation, canApply, onFix) {
  const suggestions = /** @type {Suggestion[]} */ (explanation.suggestions ?? []).filter(canApply).slice(0, 4);
  if (suggestions.length === 0) return [];
  const fixes = document.createElement("div");
  fixes.className = "validity-fixes";
  fixes.setAttribute("role", "group");
  fixes.setAttribute("aria-label", "nearest valid settings");
  const label = document.createElement("span");
  label.textContent = "Nearest valid:";
  fixes.append(label);
  suggestions.forEach((fix, i) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "fix";
    button.dataset.testid = `suggestion-${i}`;
    button.textContent = `${fix.changes.join(", ")}: ${fix.output_size.join("×")}`;
    button.setAttribute("aria-label", `${fix.changes.join(", ")}, output ${fix.output_size.join("×")}`);
    button.addEventListener("click", () => onFix(fix));
    fixes.append(button);
  });
  return [fixes];
}


/**
 * Whether one slider per setting can show a suggestion exactly (a fix the controls would clamp is no fix).
 * @param {Suggestion} fix @param {import("./state.js").PlaygroundState} state
 * @param {import("../../types.js").KernelRecord[]} kernels
 */
export function slidersReach(fix, state, kernels) {
  const within = (/** @type {number[]} */ pair, /** @type {readonly number[]} */ [lo, hi]) =>
    pair[0] === pair[1] && pair[0] >= lo && pair[0] <= hi;
  const info = kernels.find((k) => k.name === state.kernel);
  const sized = state.matrix ? fix.kernel_size[0] === state.size : !info || info.sizes.includes(fix.kernel_size[0]);
  return sized && within(fix.kernel_size, LIMITS.size) && within(fix.padding, LIMITS.padding) &&
    within(fix.stride, LIMITS.stride) && within(fix.dilation, LIMITS.dilation);
}

/** Why there is no output, in one sentence. @param {Explanation} explanation */
export function noOutput(explanation) {
  const [kh, kw] = explanation.effective_kernel_size;
  const [ph, pw] = explanation.axes.map((a) => a.input + 2 * a.padding);
  return `No output: a ${kh}×${kw} window does not fit inside the ${ph}×${pw} padded input.`;
}
