// Section 4, the echo: a bundled sound or the reader's WAV, an impulse response of spikes, and their
// convolution computed by the server. Three waveforms on one time axis, each playable exactly, and the
// result as a WAV to download. Errors appear beside the control they are about.

import { showError, SERVER_FAILED } from "../../components/error.js";
import { createLatest } from "../../components/latest.js";
import { base64Bytes, createAudio } from "./audio.js";
import { plotWidth } from "./axes.js";
import { mountDropEcho } from "./drop-echo.js";
import { mountImpulse } from "./impulse.js";
import { drawWave } from "./waves.js";

/** @typedef {import("./state.js").SignalsState} SignalsState */
/** @typedef {import("../../types-signals.js").EchoLesson} EchoLesson */

const ECHO_HTML = `
  <div class="sig-echo-controls">
    <div class="sig-echo-sound">
      <label class="sig-inline">Sound <select data-part="sound" data-testid="sound"></select></label>
      <label class="sig-upload">Your own WAV <input type="file" accept=".wav,audio/wav,audio/x-wav" data-part="upload" data-testid="upload"></label>
      <p class="hint">PCM WAV, mono or stereo, up to 30 s and 256 KiB (about 3 s of 44.1 kHz mono).</p>
      <p class="error" data-part="sound-error" data-testid="sound-error" role="alert" hidden></p>
    </div>
    <div class="sig-echo-impulse"><div data-part="impulse-editor"></div>
      <p class="error" data-part="impulse-error" data-testid="impulse-error" role="alert" hidden></p>
      <div data-part="drop-echo"></div></div>
  </div>
  <div class="sig-waves" data-part="waves-wrap">
    <div class="sig-wave"><button type="button" data-part="play-input" data-testid="play-input">▶ Play input</button>
      <canvas data-part="wave-input" data-testid="wave-input" role="img"
        aria-label="waveform of the input sound"></canvas></div>
    <div class="sig-wave"><button type="button" data-part="play-impulse" data-testid="play-impulse">▶ Play impulse response</button>
      <canvas data-part="wave-impulse" data-testid="wave-impulse" role="img"
        aria-label="waveform of the impulse response"></canvas></div>
    <div class="sig-wave"><button type="button" class="primary" data-part="play-output" data-testid="play-output">▶ Play echo</button>
      <canvas data-part="wave-output" data-testid="wave-output" role="img"
        aria-label="waveform of the echo: the input convolved with the impulse response"></canvas></div>
  </div>
  <p class="explain" data-part="echo-about" data-testid="echo-about" aria-live="polite"></p>
  <p><button type="button" data-part="stop" data-testid="stop">■ Stop</button>
    <a data-part="download" data-testid="download" download="echo.wav" href="#" aria-disabled="true">Download the echo as WAV</a></p>`;

/** Which error line a server message belongs beside. @param {unknown} err */
function beside(err) {
  const text = err instanceof Error ? err.message : String(err);
  return /^\d+: (preset|taps|delay|gain|query)/.test(text) ? "impulse-error" : "sound-error";
}

/**
 * @param {HTMLElement} el  the section's slot
 * @param {{api: import("../../api.js").Api, state: () => SignalsState, onChange: (patch: Partial<SignalsState>) => void,
 *   onBusy: (busy: boolean) => void, onDropBusy: (busy: boolean) => void,
 *   onAudio: (info: {audio: string, playing: string, latencyMs: number | null}) => void}} hooks
 *   onBusy: an echo is being made; onDropBusy: spikes from the ball drop are being asked for
 */
export function mountEcho(el, { api, state, onChange, onBusy, onDropBusy, onAudio }) {
  el.innerHTML = ECHO_HTML;
  const part = (/** @type {string} */ name) => /** @type {HTMLElement} */ (el.querySelector(`[data-part="${name}"]`));
  const impulse = mountImpulse(part("impulse-editor"), { onChange });
  const fromDrop = mountDropEcho(part("drop-echo"), { api, state, onChange, onBusy: onDropBusy });
  const audio = createAudio(onAudio);
  /** @type {File | null} */
  let upload = null;
  /** @type {EchoLesson | null} */
  let lesson = null;
  let downloadUrl = "";
  /** @type {import("../../types-signals.js").SoundRecord[]} */
  let sounds = [];

  /** @param {{sound: string, impulse: import("../../types-signals.js").UploadImpulse}} request */
  const send = (request) => (request.sound === "upload" && upload
    ? api.echoUpload(upload, request.impulse)
    : api.echo({ sound: request.sound, ...request.impulse }));
  const latest = createLatest(send, {
    onResult: (answer) => {
      lesson = answer;
      showError(part("sound-error"), null);
      showError(part("impulse-error"), null);
      URL.revokeObjectURL(downloadUrl);
      downloadUrl = URL.createObjectURL(new Blob([base64Bytes(answer.wav)], { type: "audio/wav" }));
      const link = /** @type {HTMLAnchorElement} */ (part("download"));
      link.href = downloadUrl;
      link.removeAttribute("aria-disabled");
      draw();
    },
    onError: (err) => showError(part(beside(err)), err, SERVER_FAILED),
    onBusy,
  });

  const select = /** @type {HTMLSelectElement} */ (part("sound"));
  select.addEventListener("change", () => onChange({ sound: select.value }));
  const file = /** @type {HTMLInputElement} */ (part("upload"));
  file.addEventListener("change", () => {
    upload = file.files?.[0] ?? null;
    if (upload) onChange({ sound: "upload" });
  });

  /** Play one of the three, timing from the click. @param {"input" | "impulse" | "output"} which @param {Event} event */
  async function play(which, event) {
    const clickedAt = event.timeStamp || performance.now();
    if (!lesson) return;
    const shown = lesson;
    try {
      if (which === "impulse") await audio.playTaps(shown.taps, shown.sample_rate, clickedAt);
      else {
        const wav = which === "output" ? base64Bytes(shown.wav).buffer
          : state().sound === "upload" && upload ? await upload.arrayBuffer() : await api.soundWav(state().sound);
        await audio.playWav(wav, shown.sample_rate, which, clickedAt);
      }
      showError(part("sound-error"), null);
    } catch (err) {
      showError(part("sound-error"), err, "Could not play this: ");
    }
  }
  for (const which of /** @type {const} */ (["input", "impulse", "output"])) {
    part(`play-${which}`).addEventListener("click", (event) => play(which, event));
  }
  part("stop").addEventListener("click", () => audio.stop());

  function draw() {
    if (!lesson) return;
    const width = plotWidth(part("waves-wrap"), 260, 960);
    const seconds = lesson.output.seconds;
    drawWave(/** @type {HTMLCanvasElement} */ (part("wave-input")), lesson.input, { width, seconds, color: "#0b5fff", label: "input: time (s)" });
    drawWave(/** @type {HTMLCanvasElement} */ (part("wave-impulse")), lesson.impulse, { width, seconds, color: "#e8590c", label: "impulse response: time (s)" });
    drawWave(/** @type {HTMLCanvasElement} */ (part("wave-output")), lesson.output, { width, seconds, color: "#1d2430", label: "output = input * impulse response: time (s)" });
    const rate = lesson.sample_rate.toLocaleString("en");
    part("echo-about").textContent = `${lesson.input.samples.toLocaleString("en")} samples at ${rate} Hz convolved with ` +
      `${lesson.taps.length} spike${lesson.taps.length > 1 ? "s" : ""}: ${lesson.output.samples.toLocaleString("en")} samples ` +
      `(${lesson.output.seconds.toFixed(2)} s), peak ${lesson.peak.toFixed(3)}` +
      (lesson.clipped ? ", so the WAV clips it to ±1: lower the gains to hear it clean." : ". Played as computed, not normalised.");
  }

  return {
    /** @param {import("../../types-signals.js").SoundRecord[]} list @param {import("../../types-signals.js").ImpulsePreset[]} presets */
    setCatalogues(list, presets) {
      sounds = list;
      select.innerHTML = list.map((s) => `<option value="${s.name}">${s.name} (${s.seconds.toFixed(1)} s)</option>`).join("") +
        `<option value="upload">your own WAV (choose a file)</option>`;
      impulse.setPresets(presets);
    },
    update() {
      const s = state();
      select.value = s.sound === "upload" || sounds.some((x) => x.name === s.sound) ? s.sound : (sounds[0]?.name ?? "");
      impulse.update(s);
      fromDrop.update(s);
      if (s.sound === "upload" && !upload) {
        showError(part("sound-error"), "Choose a WAV file above to hear your own sound echoed.");
        return;
      }
      const preset = s.impulse !== "custom";
      const taps = impulse.taps(s).map(([ms, g]) => [ms / 1000, g]);
      const columns = Math.max(16, Math.min(4000, plotWidth(part("waves-wrap"), 260, 960) - 44));
      latest.ask({ sound: s.sound, impulse: preset ? { preset: s.impulse, columns } : { taps, columns } });
    },
    draw,
    destroy() { latest.cancel(); audio.close(); URL.revokeObjectURL(downloadUrl); },
  };
}
