// Section 1, the ball dropped twice: f and g as bars the reader drags (or picks from presets), the
// chosen total's pairs lit on both with their products, f*g with the lit bar they add up to, and a
// seeded drop of N balls drawn over f*g with its distance printed. The server computes every number.

import { showError, SERVER_FAILED } from "../../components/error.js";
import { createLatest } from "../../components/latest.js";
import { checkNumberField, numberFieldHtml } from "../../components/number-field.js";
import { part as partOf } from "../../components/part.js";
import { plotWidth } from "./axes.js";
import { BAR_COLORS, barAt, barTop, drawBars } from "./bars.js";
import { LIMITS_SIGNALS } from "./state.js";

/** @typedef {import("./state.js").SignalsState} SignalsState */
/** @typedef {import("../../types-signals.js").BallDropLesson} BallDropLesson */

const fmt = (/** @type {number} */ v) => (v === 0 ? "0" : v < 0.001 ? v.toExponential(1) : v.toFixed(3));

/** Which error line a server message belongs beside, by the field it names. @param {unknown} err */
function fieldOf(err) {
  const match = /^\d+: (\w+)/.exec(err instanceof Error ? err.message : String(err));
  const field = match?.[1] ?? "";
  return field === "f" || field === "g" ? field : field === "balls" || field === "seed" ? "drop" : "conv";
}

/**
 * @param {HTMLElement} root  the view's root
 * @param {{api: import("../../api.js").Api, state: () => SignalsState, onChange: (patch: Partial<SignalsState>) => void,
 *   onBusy: (busy: boolean) => void, onLesson?: () => void}} hooks  onLesson: a new answer is shown
 */
export function mountBalls(root, { api, state, onChange, onBusy, onLesson = () => {} }) {
  const part = (/** @type {string} */ name) => partOf(root, name);
  /** @type {BallDropLesson | null} */
  let lesson = null;
  /** @type {import("../../types-signals.js").BallDrop | null} */
  let drop = null;
  /** @type {Record<string, import("./axes.js").Frame>} */
  const frames = {};
  /** The axis top stays put while a bar is dragged, so the pointer and the bar stay together. */
  /** @type {number | null} */
  let dragTop = null;

  /**
   * A drop's weights as the newest edit left them, renormalised as the server does; not the last answer:
   * keys pressed (or a bar dragged) faster than the answers come each build on the one before (CI lost
   * one of five ArrowUps when an edit read the answer its predecessor had not yet replaced).
   * @param {"f" | "g"} key @returns {number[]}
   */
  const newest = (key) => {
    const w = state()[key];
    const total = w.reduce((sum, x) => sum + x, 0);
    return total > 0 ? w.map((x) => x / total) : lesson?.[key] ?? w;
  };
  const clearErrors = () => ["f", "g", "conv", "drop"].forEach((k) => showError(part(`${k}-error`), null));
  const latest = createLatest(api.ballDrop, {
    onResult: (answer, request) => {
      clearErrors();
      lesson = answer;
      if (request.balls) drop = answer.drop;
      draw();
      onLesson();
    },
    onError: (err) => showError(part(`${fieldOf(err)}-error`), err, SERVER_FAILED),
    onBusy,
  });

  part("drop-fields").innerHTML =
    numberFieldHtml({ name: "balls", label: "Balls N", value: state().balls, min: LIMITS_SIGNALS.balls[0],
      max: LIMITS_SIGNALS.balls[1], step: 1, hint: "10 to 100,000.", idPrefix: "sig" }) +
    numberFieldHtml({ name: "seed", label: "Seed", value: state().seed, min: 0, max: LIMITS_SIGNALS.seed[1],
      step: 1, hint: "Same seed, same throws.", idPrefix: "sig" });
  const field = (/** @type {string} */ name) => /** @type {HTMLInputElement} */ (root.querySelector(`input[name="${name}"]`));
  for (const name of ["balls", "seed"]) {
    field(name).addEventListener("change", () => {
      if (checkNumberField(root, field(name))) onChange({ [name]: Number(field(name).value) });
    });
  }
  part("drop").addEventListener("click", () => {
    if (!checkNumberField(root, field("balls")) || !checkNumberField(root, field("seed"))) return;
    const s = state();
    latest.ask({ f: s.f, g: s.g, total: s.total, balls: Number(field("balls").value), seed: Number(field("seed").value) });
  });
  const total = /** @type {HTMLInputElement} */ (part("total"));
  total.addEventListener("input", () => onChange({ total: Number(total.value) }));

  for (const key of /** @type {const} */ (["f", "g"])) wireDrop(key);

  /** Presets, step buttons, dragging and keys for one drop. @param {"f" | "g"} key */
  function wireDrop(key) {
    const select = /** @type {HTMLSelectElement} */ (part(`${key}-preset`));
    select.addEventListener("change", () => {
      const chosen = catalogue.find((d) => d.name === select.value);
      if (chosen) { drop = null; onChange({ [key]: chosen.weights }); }
    });
    const weights = () => newest(key);
    part(`${key}-more`).addEventListener("click", () => {
      if (weights().length < LIMITS_SIGNALS.weights) { drop = null; onChange({ [key]: [...weights(), 0] }); }
    });
    part(`${key}-fewer`).addEventListener("click", () => {
      const w = weights();
      if (w.length > 1 && w.slice(0, -1).some((v) => v > 0)) { drop = null; onChange({ [key]: w.slice(0, -1) }); }
    });
    const canvas = /** @type {HTMLCanvasElement} */ (part(`${key}-bars`));
    /** @param {PointerEvent} event */
    const setFrom = (event) => {
      const frame = frames[key];
      const rect = canvas.getBoundingClientRect();
      const hit = frame && dragTop !== null && barAt(frame, weights().length, dragTop, event.clientX - rect.left, event.clientY - rect.top);
      if (hit) setBar(key, hit.step, hit.value);
    };
    canvas.addEventListener("pointerdown", (event) => {
      dragTop = barTop(weights());
      canvas.setPointerCapture(event.pointerId);
      setFrom(event);
    });
    canvas.addEventListener("pointermove", (event) => { if (dragTop !== null) setFrom(event); });
    const end = () => { dragTop = null; draw(); };
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    let focus = 0;
    canvas.addEventListener("keydown", (event) => {
      const w = weights();
      const moves = { ArrowLeft: -1, ArrowRight: 1 };
      const lifts = { ArrowUp: 0.02, ArrowDown: -0.02 };
      if (event.key in moves) focus = Math.max(0, Math.min(w.length - 1, focus + moves[/** @type {"ArrowLeft"} */ (event.key)]));
      else if (event.key in lifts) setBar(key, Math.min(focus, w.length - 1), (w[focus] ?? 0) + lifts[/** @type {"ArrowUp"} */ (event.key)]);
      else return;
      event.preventDefault();
      canvas.setAttribute("aria-valuetext", `step ${focus}: ${fmt(w[focus] ?? 0)}`);
    });
  }

  /** Give one bar the probability under the pointer; the others share the rest in their proportions. */
  function setBar(/** @type {"f" | "g"} */ key, /** @type {number} */ step, /** @type {number} */ value) {
    const w = [...newest(key)];
    const v = Math.max(0, Math.min(1, value));
    const others = w.reduce((sum, x, i) => (i === step ? sum : sum + x), 0);
    if (others === 0 && v === 0) return; // an all-zero drop has no distribution; keep the last one
    const scale = others === 0 ? 0 : (1 - v) / others;
    const next = w.map((x, i) => (i === step ? (others === 0 ? 1 : v) : x * scale));
    drop = null;
    onChange({ [key]: next.map((x) => Number(x.toPrecision(4))) });
  }

  /** @type {import("../../types-signals.js").DistributionRecord[]} */
  let catalogue = [];

  function draw() {
    const s = state();
    const shown = lesson;
    const width = plotWidth(part("f-wrap"), 200, 460);
    const convWidth = plotWidth(part("conv-wrap"), 260, 960);
    const f = shown?.f ?? [];
    const g = shown?.g ?? [];
    const pairs = shown?.pairs ?? [];
    const top = dragTop ?? barTop(f, g);
    frames.f = drawBars(/** @type {HTMLCanvasElement} */ (part("f-bars")), { width, height: 150, values: f, yMax: top,
      color: BAR_COLORS.f, chosen: new Set(pairs.map((p) => p.a)), xLabel: "a (steps of the first drop)" });
    frames.g = drawBars(/** @type {HTMLCanvasElement} */ (part("g-bars")), { width, height: 150, values: g, yMax: top,
      color: BAR_COLORS.g, chosen: new Set(pairs.map((p) => p.b)), xLabel: "b (steps of the second drop)" });
    const conv = shown?.convolution ?? [];
    drawBars(/** @type {HTMLCanvasElement} */ (part("conv-bars")), { width: convWidth, height: 170, values: conv,
      yMax: barTop(conv, drop?.frequencies ?? []), color: BAR_COLORS.chosen, chosen: new Set([s.total]),
      overlay: drop?.frequencies ?? null, xLabel: "c = a + b (total distance)" });
    for (const [key, values] of /** @type {const} */ ([["f", f], ["g", g]])) {
      const same = catalogue.find((d) => d.weights.length === values.length && d.weights.every((v, i) => Math.abs(v - values[i]) < 1e-9));
      /** @type {HTMLSelectElement} */ (part(`${key}-preset`)).value = same?.name ?? "";
    }
    part("f-numbers").textContent = `f = [${f.map(fmt).join(", ")}]`;
    part("g-numbers").textContent = `g = [${g.map(fmt).join(", ")}]`;
    total.max = String(Math.max(0, conv.length - 1));
    total.value = String(s.total);
    part("total-value").textContent = String(s.total);
    part("pairs").innerHTML = pairs.map((p) =>
      `<li>a = ${p.a}, b = ${p.b}: f(${p.a})·g(${p.b}) = ${fmt(f[p.a])} × ${fmt(g[p.b])} = <strong>${fmt(p.product)}</strong></li>`).join("");
    part("sum").textContent = shown ? `(f * g)(${s.total}) = ${pairs.map((p) => fmt(p.product)).join(" + ") || "0"} = ${fmt(shown.probability)}` : "";
    part("distance").textContent = drop
      ? `${drop.balls.toLocaleString("en")} balls (seed ${drop.seed}): total-variation distance to f * g = ${drop.distance.toFixed(4)} (0 is identical, 1 disjoint).`
      : "";
    part("distance").dataset.distance = drop ? String(drop.distance) : "";
  }

  return {
    /** Ask for the state's f, g and total (the drop's numbers wait for the button). */
    update() {
      const s = state();
      latest.ask({ f: s.f, g: s.g, total: s.total });
    },
    /** @param {import("../../types-signals.js").DistributionRecord[]} list */
    setCatalogue(list) {
      catalogue = list;
      for (const key of ["f", "g"]) {
        part(`${key}-preset`).innerHTML = `<option value="">(your own)</option>` +
          list.map((d) => `<option value="${d.name}" title="${d.description}">${d.label}</option>`).join("");
      }
    },
    draw,
    /** The ball drop's f * g as the server last answered it, for the slide to show beside its own. */
    convolution: () => lesson?.convolution ?? null,
    destroy: () => latest.cancel(),
  };
}
