// The impulse-response editor: a preset menu, or your own spikes, each a delay in milliseconds and a
// gain (the article's echo is two spikes). Every change goes to the view as a patch of its state.

import { LIMITS_SIGNALS } from "./state.js";

/** @typedef {import("./state.js").SignalsState} SignalsState */
/** @typedef {import("../../types-signals.js").ImpulsePreset} ImpulsePreset */

const MAX_ROWS_SHOWN = 12;

/**
 * @param {HTMLElement} el  where the editor goes
 * @param {{onChange: (patch: Partial<SignalsState>) => void}} hooks
 */
export function mountImpulse(el, { onChange }) {
  el.innerHTML = `
    <label class="sig-inline">Impulse response <select data-part="impulse" data-testid="impulse"></select></label>
    <p class="hint" data-part="impulse-about" data-testid="impulse-about"></p>
    <table class="sig-taps"><thead><tr><th>#</th><th>delay (ms)</th><th>gain</th><th><span class="visually-hidden">remove</span></th></tr></thead>
      <tbody data-part="taps" data-testid="taps"></tbody></table>
    <p class="hint" data-part="taps-more" data-testid="taps-more"></p>
    <button type="button" data-part="add-tap" data-testid="add-tap">+ spike</button>`;
  const q = (/** @type {string} */ name) => /** @type {HTMLElement} */ (el.querySelector(`[data-part="${name}"]`));
  const select = /** @type {HTMLSelectElement} */ (q("impulse"));
  /** @type {ImpulsePreset[]} */
  let presets = [];
  /** @type {number[][]} */
  let shown = [];

  select.addEventListener("change", () => {
    const preset = presets.find((p) => p.name === select.value);
    // Choosing "custom" starts from the spikes on show, so the reader edits the preset they heard.
    onChange(preset ? { impulse: preset.name } : { impulse: "custom", taps: shown });
  });
  q("add-tap").addEventListener("click", () => {
    if (shown.length >= LIMITS_SIGNALS.taps) return;
    const last = shown.length ? Math.max(...shown.map(([d]) => d)) : 0;
    onChange({ impulse: "custom", taps: [...shown, [Math.min(LIMITS_SIGNALS.delayMs[1], last + 150), 0.3]] });
  });
  q("taps").addEventListener("change", (event) => {
    const input = /** @type {HTMLInputElement} */ (event.target);
    const row = Number(input.dataset.row);
    const col = input.dataset.col === "delay" ? 0 : 1;
    const taps = shown.map((t) => [...t]);
    // Send what was typed, even out of range: the server's message then says what is allowed, beside it.
    taps[row][col] = input.value === "" ? NaN : Number(input.value);
    if (!Number.isFinite(taps[row][col])) return;
    onChange({ impulse: "custom", taps });
  });
  q("taps").addEventListener("click", (event) => {
    const button = /** @type {HTMLElement} */ (event.target).closest("button[data-remove]");
    if (!button || shown.length <= 1) return;
    const row = Number(/** @type {HTMLElement} */ (button).dataset.remove);
    onChange({ impulse: "custom", taps: shown.filter((_, i) => i !== row) });
  });

  return {
    /** @param {ImpulsePreset[]} list */
    setPresets(list) {
      presets = list;
      select.innerHTML = list.map((p) => `<option value="${p.name}">${p.label}</option>`).join("") +
        `<option value="custom">Your own spikes</option>`;
    },
    /** The spikes now in use, [delay_ms, gain]. @param {SignalsState} state */
    taps(state) {
      const preset = presets.find((p) => p.name === state.impulse);
      return preset ? preset.taps.map(([d, g]) => [Math.round(d * 1e6) / 1e3, g]) : state.taps;
    },
    /** @param {SignalsState} state */
    update(state) {
      select.value = presets.some((p) => p.name === state.impulse) ? state.impulse : "custom";
      const preset = presets.find((p) => p.name === state.impulse);
      q("impulse-about").textContent = preset ? `${preset.description} Edit a spike to make it your own.`
        : "Each spike adds a copy of the sound, delay milliseconds later, times gain.";
      shown = this.taps(state);
      const show = (/** @type {number} */ v) => String(Number(v.toPrecision(4))); // a preset's noise gains: 4 digits
      q("taps").innerHTML = shown.slice(0, MAX_ROWS_SHOWN).map(([d, g], i) => `<tr>
        <td>${i + 1}</td>
        <td><input type="number" step="any" min="${LIMITS_SIGNALS.delayMs[0]}" max="${LIMITS_SIGNALS.delayMs[1]}" value="${show(d)}"
          data-row="${i}" data-col="delay" data-testid="tap-delay-${i}" aria-label="spike ${i + 1} delay in milliseconds"></td>
        <td><input type="number" step="any" value="${show(g)}" data-row="${i}" data-col="gain" data-testid="tap-gain-${i}"
          aria-label="spike ${i + 1} gain"></td>
        <td><button type="button" data-remove="${i}" data-testid="tap-remove-${i}" aria-label="remove spike ${i + 1}">×</button></td></tr>`).join("");
      q("taps-more").textContent = shown.length > MAX_ROWS_SHOWN ? `…and ${shown.length - MAX_ROWS_SHOWN} more spikes.` : "";
    },
  };
}
