// Convolution through the FFT: the signal and kernel, their spectra (magnitude; phase on demand), the
// pointwise product, and its inverse beside the direct result. Without zero padding the inverse is the
// circular convolution: the cells the tail wrapped onto are tinted, and the difference is spelled out.

import { SERVER_FAILED, showError } from "../../components/error.js";
import { createLatest } from "../../components/latest.js";
import { part } from "../../components/part.js";
import { formatValue, outputScale } from "../../draw/colors.js";
import { drawBars } from "../../draw/maps.js";
import { parseNumbers } from "./state.js";

/** @typedef {import("./state.js").MatrixState} MatrixState */
/** @typedef {import("../../types-matrix.js").FftLesson} FftLesson */

/**
 * @param {HTMLElement} root  the section
 * @param {{api: import("../../api.js").Api, state: () => MatrixState, patch: (p: Partial<MatrixState>) => void}} ctx
 */
export function createFftSection(root, { api, state, patch }) {
  /** @type {FftLesson | null} */
  let lesson = null;
  const error = part(root, "fft-error");
  const latest = createLatest(api.fft, {
    onResult: (result) => { lesson = result; showError(error, null); draw(); },
    onError: (err) => showError(error, err, SERVER_FAILED),
    onBusy: (busy) => { root.dataset.busy = String(busy); },
  });
  const fields = {
    signal: /** @type {HTMLInputElement} */ (part(root, "fft-signal")),
    kernel: /** @type {HTMLInputElement} */ (part(root, "fft-kernel")),
    zeroPad: /** @type {HTMLInputElement} */ (part(root, "fft-zero-pad")),
    phase: /** @type {HTMLInputElement} */ (part(root, "fft-phase")),
  };
  fields.signal.addEventListener("input", () => patch({ signal: fields.signal.value }));
  fields.kernel.addEventListener("input", () => patch({ kernel: fields.kernel.value }));
  fields.zeroPad.addEventListener("change", () => patch({ zeroPad: fields.zeroPad.checked }));
  fields.phase.addEventListener("change", () => patch({ phase: fields.phase.checked }));

  function ask() {
    const s = state();
    const signal = parseNumbers(s.signal, "signal");
    const kernel = parseNumbers(s.kernel, "kernel");
    const problem = signal.error ?? kernel.error;
    // An answer still on its way is for numbers no longer on show: it must not clear this message.
    if (problem) { latest.drop(); return showError(error, problem); }
    latest.ask({ signal: signal.values, kernel: kernel.values, zero_pad: s.zeroPad });
  }

  /** The export's request: the numbers on show and whether the phases are shown; null while a field is bad. */
  function request() {
    const s = state();
    const [signal, kernel] = [parseNumbers(s.signal, "signal"), parseNumbers(s.kernel, "kernel")];
    if (signal.error || kernel.error) return null;
    return { signal: signal.values, kernel: kernel.values, zero_pad: s.zeroPad, phase: s.phase };
  }

  function draw() {
    if (!lesson) return;
    const narrow = root.clientWidth < 700;  // one chart per line on a phone: each takes the full width
    const width = Math.max(150, Math.min(420, Math.floor((root.clientWidth - 40) / (narrow ? 1 : 3))));
    const showPhase = state().phase;
    /** @param {string} name @param {number[]} values @param {{span?: [number, number] | null, fixed?: [number, number]}} [opts] */
    const bars = (name, values, opts = {}) => {
      const canvas = /** @type {HTMLCanvasElement} */ (part(root, name));
      const range = opts.fixed ?? [Math.min(0, ...values), Math.max(0, ...values)];
      drawBars(canvas, values, { width, height: 90, scale: outputScale(range, range[0] < 0), span: opts.span ?? null });
      canvas.dataset.count = String(values.length);
    };
    const L = lesson.length;
    const k = lesson.kernel.length;
    bars("fft-f", lesson.signal);
    bars("fft-g", lesson.kernel);
    bars("fft-fmag", lesson.signal_magnitude);
    bars("fft-gmag", lesson.kernel_magnitude);
    bars("fft-pmag", lesson.product_magnitude);
    for (const [name, values] of /** @type {const} */ ([["fft-fphase", lesson.signal_phase], ["fft-gphase", lesson.kernel_phase], ["fft-pphase", lesson.product_phase]])) {
      part(root, name).closest("figure")?.toggleAttribute("hidden", !showPhase);
      if (showPhase) bars(name, values, { fixed: [-Math.PI, Math.PI] });
    }
    const wrappedCount = lesson.wrapped.filter(Boolean).length;
    const both = [...lesson.inverse, ...lesson.direct];
    const fixed = /** @type {[number, number]} */ ([Math.min(0, ...both), Math.max(0, ...both)]);
    bars("fft-inverse", lesson.inverse, { span: wrappedCount ? [0, wrappedCount - 1] : null, fixed });
    bars("fft-direct", lesson.direct, { fixed });
    const inverse = /** @type {HTMLCanvasElement} */ (part(root, "fft-inverse"));
    inverse.dataset.wrapped = String(wrappedCount);
    part(root, "fft-length").textContent = `L = ${L}${lesson.zero_pad ? ` = n + k − 1 (zero-padded)` : " = n (no padding)"}`;
    part(root, "fft-bins").textContent = `${lesson.frequencies.length} frequencies, 0 to ${formatValue(lesson.frequencies.at(-1) ?? 0)} cycles per sample`;
    const verdict = part(root, "fft-verdict");
    verdict.dataset.wrapped = String(wrappedCount > 0 && lesson.max_difference > 1e-9);
    if (lesson.zero_pad || lesson.max_difference <= 1e-9) {
      verdict.textContent = `The inverse equals the direct convolution (largest difference ${lesson.max_difference.toExponential(1)}: rounding).`;
      verdict.className = "mx-verdict is-equal";
    } else {
      const cells = lesson.difference.slice(0, k - 1).map((d, i) => `cell ${i}: ${formatValue(lesson?.inverse[i] ?? 0)} instead of ${formatValue(lesson?.direct[i] ?? 0)} (${d >= 0 ? "+" : "−"}${formatValue(Math.abs(d))})`);
      verdict.textContent = `Wrong in the first ${k - 1} cells: the direct result's last ${k - 1} values (past n = ${L}) wrapped round and were added there. ${cells.join("; ")}.`;
      verdict.className = "mx-verdict is-wrong";
    }
  }

  return {
    update() {
      const s = state();
      if (document.activeElement !== fields.signal) fields.signal.value = s.signal;
      if (document.activeElement !== fields.kernel) fields.kernel.value = s.kernel;
      fields.zeroPad.checked = s.zeroPad;
      fields.phase.checked = s.phase;
      ask();
    },
    request,
    draw,
    destroy: () => latest.cancel(),
  };
}
