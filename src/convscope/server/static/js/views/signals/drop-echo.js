// The echo made from the ball drop: g's bars (or f * g's) become spikes, one step of the drop `spacing`
// milliseconds long and each as loud as its probability, so the echo heard is the ball drop's
// convolution. The server builds the spikes; they land in the impulse editor as the reader's own.

import { showError, SERVER_FAILED } from "../../components/error.js";
import { LIMITS_SIGNALS } from "./state.js";

/** @typedef {import("./state.js").SignalsState} SignalsState */

/**
 * @param {HTMLElement} el  where the controls go
 * @param {{api: import("../../api.js").Api, state: () => SignalsState, onChange: (patch: Partial<SignalsState>) => void,
 *   onBusy: (busy: boolean) => void}} hooks  onBusy: the spikes are being asked for (true) or are in (false)
 */
export function mountDropEcho(el, { api, state, onChange, onBusy }) {
  const [lo, hi] = LIMITS_SIGNALS.spacing;
  el.innerHTML = `
    <fieldset class="sig-drop-echo">
      <legend>Spikes from the ball drop</legend>
      <p class="explain">Each bar of the ball drop becomes a spike: its step × the spacing is the delay, its
        probability the gain. The sound is then dropped like the ball, a copy for every distance it can fall, as loud
        as that distance is likely: what you hear is the ball drop's convolution. Change f or g above and press again.</p>
      <div class="sig-drop-echo-row">
        <label class="sig-inline">From <select data-part="spikes" data-testid="spikes">
          <option value="g">g (second drop)</option><option value="fg">f * g (both drops)</option></select></label>
        <label class="sig-inline">Spacing (ms per step)
          <input type="number" min="${lo}" max="${hi}" step="1" data-part="spacing" data-testid="spacing"></label>
        <button type="button" data-part="make" data-testid="make-echo"></button>
      </div>
      <p class="error" data-part="spikes-error" data-testid="spikes-error" role="alert" hidden></p>
    </fieldset>`;
  const q = (/** @type {string} */ name) => /** @type {HTMLElement} */ (el.querySelector(`[data-part="${name}"]`));
  const select = /** @type {HTMLSelectElement} */ (q("spikes"));
  const spacing = /** @type {HTMLInputElement} */ (q("spacing"));
  const label = () => { q("make").textContent = `Make the echo from ${select.value === "fg" ? "f * g" : "g"}`; };
  select.addEventListener("change", () => { label(); onChange({ spikes: select.value === "fg" ? "fg" : "g" }); });

  async function make() {
    const s = state();
    const ms = spacing.value === "" ? NaN : Number(spacing.value);
    const fg = select.value === "fg";
    onBusy(true); // the page is busy until the spikes are in and the echo they change has been asked for
    try {
      // Out-of-range spacing still goes to the server, whose message then says what is allowed, beside it.
      const answer = await api.dropImpulse({ g: s.g, f: fg ? s.f : null, spacing: ms / 1000 });
      showError(q("spikes-error"), null);
      const taps = answer.taps.map(([d, w]) => [Math.round(d * 1e9) / 1e6, w]); // seconds to ms, no float noise
      onChange({ impulse: "custom", taps, spikes: fg ? "fg" : "g", spacing: Number.isInteger(ms) ? ms : s.spacing });
    } catch (err) {
      showError(q("spikes-error"), err, SERVER_FAILED);
    } finally {
      onBusy(false);
    }
  }
  q("make").addEventListener("click", make);

  return {
    /** @param {SignalsState} s */
    update(s) {
      select.value = s.spikes;
      if (document.activeElement !== spacing) spacing.value = String(s.spacing);
      label();
    },
  };
}
