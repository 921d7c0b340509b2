// The signals page's URL state: `#/signals?f=1_2_1&g=1_1&c=2&n=1000&sf=box&sg=box&flip=1&...` in and
// out. Pure functions only; the view receives and hands back plain objects. A hand-drawn signal travels
// as the playground's image code ("1x121-" then 64 levels, runs compressed): a drawing shared by its link.

import { encodeImage } from "../playground/state.js";

/**
 * @typedef {object} SignalsState
 * @property {number[]} f  the first drop's weights (0..31 steps) as the reader left them
 * @property {number[]} g  the second drop's weights
 * @property {number} total  the chosen total c
 * @property {number} balls  how many balls a drop throws, 10..100,000
 * @property {number} seed  the drop's seed
 * @property {"shapes" | "drops"} slide  flip-and-slide's signals: shapes on the fine grid, or the ball drop's f and g
 * @property {string} sf  flip-and-slide's f: a waveform name or "drawn"
 * @property {string} sg  its g, likewise
 * @property {number[] | null} df  f's drawn values on the grid (121 in [0, 1]) when sf is "drawn"
 * @property {number[] | null} dg
 * @property {boolean} flip  true: convolution; false: cross-correlation
 * @property {number} repeat  g convolved into f this many times before sliding
 * @property {number} speed  the player's speed level
 * @property {number | null} step  the slide's frame (null: the view chooses)
 * @property {string} sound  a bundled sound's name, or "upload" for the reader's own WAV
 * @property {string} impulse  an impulse preset's name, or "custom" for the spikes in `taps`
 * @property {number[][]} taps  the custom impulse response: [delay_ms, gain] per spike
 * @property {"g" | "fg"} spikes  which of the ball drop's distributions "make the echo" turns into spikes
 * @property {number} spacing  milliseconds between those spikes (one step of the drop)
 */

export const WAVEFORM_NAMES = Object.freeze(["box", "triangle", "decay", "gaussian", "spikes"]);
export const LIMITS_SIGNALS = Object.freeze({
  weights: 32, balls: [10, 100_000], seed: [0, 2 ** 32 - 1], repeat: [0, 2], taps: 1000, delayMs: [0, 30_000],
  gain: [-4, 4], spacing: [1, 400],
});

/** @type {SignalsState} */
export const DEFAULT_SIGNALS = Object.freeze({
  f: [1, 1, 1, 1, 1, 1], g: [1, 1, 1, 1, 1, 1], total: 5, balls: 1000, seed: 0,
  slide: "shapes", sf: "box", sg: "box", df: null, dg: null, flip: true, repeat: 0, speed: 3, step: null,
  sound: "pluck", impulse: "echo", taps: [[0, 1], [300, 0.5]], spikes: "g", spacing: 100,
});

/** A whole number in [lo, hi] from text, or the fallback. @param {string | null} text @param {number} lo @param {number} hi @param {number} fallback */
function whole(text, lo, hi, fallback) {
  const v = Number(text);
  return text !== null && text !== "" && Number.isInteger(v) && v >= lo && v <= hi ? v : fallback;
}

/** Weights like "1_2_0.5": 1..32 finite numbers >= 0, not all 0. @param {string | null} text @param {number[]} fallback */
function weights(text, fallback) {
  if (!text) return fallback;
  const values = text.split("_").map(Number);
  const ok = values.length <= LIMITS_SIGNALS.weights && values.every((v) => Number.isFinite(v) && v >= 0);
  return ok && values.some((v) => v > 0) ? values : fallback;
}

const LEVELS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"; // encodeImage's 64 levels

/** A drawn signal from its image code (one row of 121), or null. @param {string | null} text */
export function drawn(text) {
  const match = /^1x121-(.*)$/.exec(text ?? "");
  if (!match) return null;
  const body = match[1].replace(/(.)\*(\d{1,3})\./g, (_, c, n) => c.repeat(Number(n)));
  const levels = [...body].map((c) => LEVELS.indexOf(c));
  return levels.length === 121 && !levels.includes(-1) ? levels.map((v) => v / 63) : null;
}

/** Spikes like "0:1_300:0.5" (milliseconds and gains). @param {string | null} text @param {number[][]} fallback */
function taps(text, fallback) {
  if (!text) return fallback;
  const spikes = text.split("_").map((pair) => pair.split(":").map(Number));
  const [lo, hi] = LIMITS_SIGNALS.delayMs;
  const ok = spikes.length <= LIMITS_SIGNALS.taps && spikes.every((s) =>
    s.length === 2 && s.every(Number.isFinite) && s[0] >= lo && s[0] <= hi);
  return ok ? spikes : fallback;
}

/** @param {URLSearchParams} params @returns {SignalsState} */
export function signalsFromParams(params) {
  const d = DEFAULT_SIGNALS;
  const get = (/** @type {string} */ key) => params.get(key);
  const df = drawn(get("df"));
  const dg = drawn(get("dg"));
  const signal = (/** @type {string | null} */ name, /** @type {number[] | null} */ values, /** @type {string} */ fallback) =>
    name === "drawn" ? (values ? "drawn" : fallback) : WAVEFORM_NAMES.includes(name ?? "") ? /** @type {string} */ (name) : fallback;
  return {
    f: weights(get("f"), d.f), g: weights(get("g"), d.g),
    total: whole(get("c"), 0, 62, d.total),
    balls: whole(get("n"), LIMITS_SIGNALS.balls[0], LIMITS_SIGNALS.balls[1], d.balls),
    seed: whole(get("seed"), 0, LIMITS_SIGNALS.seed[1], d.seed),
    slide: get("slide") === "drops" ? "drops" : "shapes",
    sf: signal(get("sf"), df, d.sf), sg: signal(get("sg"), dg, d.sg), df, dg,
    flip: get("flip") !== "0",
    repeat: whole(get("repeat"), 0, LIMITS_SIGNALS.repeat[1], d.repeat),
    speed: whole(get("speed"), 0, 7, d.speed),
    step: get("step") === null ? null : whole(get("step"), 0, 241, 0),
    sound: /^[\w-]{1,40}$/.test(get("sound") ?? "") ? /** @type {string} */ (get("sound")) : d.sound,
    impulse: /^[\w-]{1,40}$/.test(get("impulse") ?? "") ? /** @type {string} */ (get("impulse")) : d.impulse,
    taps: taps(get("taps"), d.taps),
    spikes: get("spikes") === "fg" ? "fg" : "g",
    spacing: whole(get("spacing"), LIMITS_SIGNALS.spacing[0], LIMITS_SIGNALS.spacing[1], d.spacing),
  };
}

/** A number without float noise: 0.30000000000000004 -> "0.3". @param {number} v */
const short = (v) => String(Number(v.toPrecision(6)));

/** @param {SignalsState} s @returns {URLSearchParams} */
export function signalsToParams(s) {
  const p = new URLSearchParams();
  p.set("f", s.f.map(short).join("_"));
  p.set("g", s.g.map(short).join("_"));
  p.set("c", String(s.total));
  p.set("n", String(s.balls));
  p.set("seed", String(s.seed));
  if (s.slide === "drops") p.set("slide", "drops");
  p.set("sf", s.sf);
  p.set("sg", s.sg);
  if (s.sf === "drawn" && s.df) p.set("df", encodeImage([s.df]));
  if (s.sg === "drawn" && s.dg) p.set("dg", encodeImage([s.dg]));
  p.set("flip", s.flip ? "1" : "0");
  p.set("repeat", String(s.repeat));
  p.set("speed", String(s.speed));
  if (s.step !== null) p.set("step", String(s.step));
  p.set("sound", s.sound);
  p.set("impulse", s.impulse);
  if (s.impulse === "custom") p.set("taps", s.taps.map(([ms, gain]) => `${short(ms)}:${short(gain)}`).join("_"));
  p.set("spikes", s.spikes);
  p.set("spacing", String(s.spacing));
  return p;
}
