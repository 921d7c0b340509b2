// Presenter mode, for a projector at the front of a classroom: larger type and cells, hints hidden, high
// contrast (css/presenter.css keys everything off `html.presenter`), and the teacher's controls on the
// keyboard. It is app-wide: a toggle in the header and `?presenter=1` in the address's query, before the
// `#/view` hash, so it stays on across views and in a copied link.
//
// A view opts in twice: its CSS adds rules under `.presenter` (in css/presenter.css, one section per view),
// and its mount calls `bindKeys(...)` with its actions and an element for the legend, and calls the
// returned function in its unmount.

export const PRESENTER_PARAM = "presenter";

/**
 * Whether a URL's query turns presenter mode on (`?presenter=1`).
 * @param {string} search  e.g. location.search
 */
export function presenterFromUrl(search) {
  return new URLSearchParams(search).get(PRESENTER_PARAM) === "1";
}

/**
 * The address with presenter mode on or off, the view's hash kept.
 * @param {string} href @param {boolean} on
 */
export function presenterUrl(href, on) {
  const url = new URL(href);
  if (on) url.searchParams.set(PRESENTER_PARAM, "1");
  else url.searchParams.delete(PRESENTER_PARAM);
  return url.toString();
}

/**
 * Wire the header's toggle: read the mode from the URL, and flip it (and the URL) on a click or on `P`.
 * @param {HTMLButtonElement} button
 */
export function startPresenter(button) {
  /** @param {boolean} on */
  const show = (on) => {
    document.documentElement.classList.toggle("presenter", on);
    button.setAttribute("aria-pressed", String(on));
    window.dispatchEvent(new Event("resize")); // grids that fit the window redraw at the new sizes
  };
  const toggle = () => {
    const on = !document.documentElement.classList.contains("presenter");
    history.replaceState(null, "", presenterUrl(location.href, on));
    show(on);
  };
  show(presenterFromUrl(location.search));
  button.addEventListener("click", toggle);
  document.addEventListener("keydown", (event) => {
    if ((event.key === "p" || event.key === "P") && isFree(event)) toggle();
  });
}

/**
 * @typedef {object} KeyAction
 * @property {string[]} keys  KeyboardEvent.key values, e.g. [" ", "k"]
 * @property {string} shown  the keys as the legend writes them, e.g. "Space"
 * @property {string} does  what they do, e.g. "play / pause"
 * @property {() => void} run
 */

/**
 * Listen for a view's keys anywhere on the page except where typing or the focused control needs them,
 * and write the legend (P, presenter mode, is the shell's and always listed).
 * @param {KeyAction[]} actions @param {HTMLElement} legend
 * @returns {() => void}  stop listening
 */
export function bindKeys(actions, legend) {
  const items = [...actions.map((a) => [a.shown, a.does]), ["P", "presenter mode"]];
  legend.replaceChildren("Keys: ", ...items.flatMap(([shown, does], i) => {
    const kbd = document.createElement("kbd");
    kbd.textContent = shown;
    return [...(i ? [" · "] : []), kbd, ` ${does}`];
  }));
  /** @param {KeyboardEvent} event */
  const onKey = (event) => {
    const action = actions.find((a) => a.keys.includes(event.key));
    if (!action || !isFree(event)) return;
    event.preventDefault();
    action.run();
  };
  document.addEventListener("keydown", onKey);
  return () => document.removeEventListener("keydown", onKey);
}

/**
 * Whether a key press is free for a shortcut: no modifier, not typed into a field, not an arrow or Space
 * a focused widget uses (sliders, grids with their own arrow keys, the drawing pad), not Space or Enter
 * pressing a focused button or link.
 * @param {KeyboardEvent} event
 */
function isFree(event) {
  if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return false;
  const target = event.target instanceof Element ? event.target : null;
  if (!target) return true;
  if (target.closest("input, select, textarea, [contenteditable], canvas, [tabindex='0']")) return false;
  return !((event.key === " " || event.key === "Enter") && target.closest("button, a, summary"));
}
