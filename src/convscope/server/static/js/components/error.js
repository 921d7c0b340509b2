// Error text: one line under the part that failed, saying what the server said to change. Hidden when
// there is nothing to say.

/** What the views put before a message from the server. */
export const SERVER_FAILED = "The server could not compute this: ";

/** The message of anything thrown. @param {unknown} err */
export function errorMessage(err) {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Show (or, given "" or null, hide) an error in `el`.
 * @param {HTMLElement} el @param {unknown} err  an Error, a message, or null/"" to clear
 * @param {string} [prefix]  what failed, e.g. "The server could not compute this: "
 */
export function showError(el, err, prefix = "") {
  const message = err === null || err === "" ? "" : errorMessage(err);
  el.hidden = message === "";
  el.textContent = message ? `${prefix}${message}` : "";
}
