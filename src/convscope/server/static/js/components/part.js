// How a view finds its own pieces: by `data-part` name, inside its own root element only. A view never
// looks in the shared document, so an answer that arrives after a quick navigation lands in the old
// view's detached tree instead of in whichever view now fills <main>.

/**
 * The element named `name` inside `root`.
 * @param {ParentNode} root @param {string} name
 * @returns {HTMLElement}
 */
export function part(root, name) {
  const el = root.querySelector(`[data-part="${name}"]`);
  if (!(el instanceof HTMLElement)) throw new Error(`no part called "${name}" in this view`);
  return el;
}

/**
 * Fill `el` with a view's markup and return the view's root (the markup's one top element).
 * @param {HTMLElement} el @param {string} html
 * @returns {HTMLElement}
 */
export function renderRoot(el, html) {
  el.innerHTML = html;
  return /** @type {HTMLElement} */ (el.firstElementChild);
}
