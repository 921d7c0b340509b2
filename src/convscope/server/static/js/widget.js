// The notebook widget's entry (anywidget, convscope.widgets): the page's own view modules, mounted in a
// notebook cell, with an api object that asks the Python kernel instead of fetching from a server.
//
// anywidget loads this file as one module from a blob: URL, so the views' relative imports
// ("../../config.js") could not resolve. The widget sends the sources of static/js (the files the app
// serves, read from the package) as `_sources`; `linkModule` gives each one its own blob: URL with its
// relative imports rewritten to its dependencies' URLs. This file imports nothing itself.

/**
 * @typedef {{get: (name: string) => any, set: (name: string, value: unknown) => void, save_changes: () => void,
 *   on: (event: string, callback: (...args: any[]) => void) => void,
 *   off: (event?: string, callback?: (...args: any[]) => void) => void, send: (content: unknown) => void}} Model
 * anywidget's model interface (the part this widget uses).
 */

const IMPORT = /(\bfrom\s*|\bimport\s*)"(\.{1,2}\/[^"]+)"/g;

/** A relative specifier resolved against the importing file's path (both relative to js/). */
function resolve(/** @type {string} */ from, /** @type {string} */ spec) {
  const parts = from.split("/").slice(0, -1);
  for (const piece of spec.split("/")) {
    if (piece === "..") parts.pop();
    else if (piece !== ".") parts.push(piece);
  }
  return parts.join("/");
}

/**
 * The blob: URL of module `path`, its relative imports pointing at its dependencies' blob: URLs.
 * @param {Record<string, string>} sources @param {string} path @param {Map<string, string>} urls
 * @returns {string}
 */
export function linkModule(sources, path, urls = new Map()) {
  const known = urls.get(path);
  if (known) return known;
  const source = sources[path];
  if (source === undefined) throw new Error(`convscope widget: no module ${path}`);
  const code = source.replace(IMPORT, (_, keyword, spec) => `${keyword}"${linkModule(sources, resolve(path, spec), urls)}"`);
  const url = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
  urls.set(path, url);
  return url;
}

/**
 * An object with api.js's method names whose answers come from the kernel (convscope.widgets answers
 * each `{id, method, args}` message with `{id, value}` or `{id, error}`).
 * @param {Model} model
 */
export function kernelApi(model) {
  let next = 0;
  /** @type {Map<number, {resolve: (v: any) => void, reject: (e: Error) => void}>} */
  const pending = new Map();
  model.on("msg:custom", (/** @type {{id?: number, value?: unknown, error?: string}} */ message) => {
    const waiting = message.id === undefined ? undefined : pending.get(message.id);
    if (!waiting || message.id === undefined) return;
    pending.delete(message.id);
    if (message.error !== undefined) waiting.reject(new Error(message.error));
    else waiting.resolve(message.value);
  });
  /** @param {string} method @param {unknown[]} args @returns {Promise<any>} */
  const call = (method, ...args) => new Promise((resolve, reject) => {
    next += 1;
    pending.set(next, { resolve, reject });
    model.send({ id: next, method, args });
  });
  return {
    digit: (/** @type {number} */ number, /** @type {number} */ index) => call("digit", number, index),
    kernels: () => call("kernels"),
    convolve: (/** @type {unknown} */ request) => call("convolve", request),
    predict: (/** @type {unknown} */ request) => call("predict", request),
    unit: (/** @type {unknown} */ request) => call("unit", request),
    model: (/** @type {string | undefined} */ which) => call("model", which ?? null),
    training: () => call("training"),
    useModel: (/** @type {string} */ which) => call("use_model", which),
    /** @param {string} view @param {string} kind @param {unknown} request */
    exportFile: async (view, kind, request) => {
      const file = /** @type {{data: string, media: string, filename: string}} */ (await call("export", view, kind, request));
      const bytes = Uint8Array.from(atob(file.data), (c) => c.charCodeAt(0));
      return { blob: new Blob([bytes], { type: file.media }), filename: file.filename };
    },
  };
}

/** The widget's traits as the URL parameters the view reads (trait -> parameter names in `_params`). */
function paramsOf(/** @type {Model} */ model) {
  const params = new URLSearchParams();
  for (const [trait, name] of Object.entries(/** @type {Record<string, string>} */ (model.get("_params")))) {
    params.set(name, String(model.get(trait)));
  }
  return params;
}

/** @param {{model: Model, el: HTMLElement}} context @returns {Promise<() => void>} */
async function render({ model, el }) {
  const names = /** @type {Record<string, string>} */ (model.get("_params"));
  const url = linkModule(model.get("_sources"), `views/${model.get("_view")}/index.js`);
  const { view } = await import(url);
  const api = kernelApi(model);
  const root = document.createElement("div");
  root.className = "convscope-widget";
  // JupyterLab's notebook binds plain keys in command mode (arrows, A, B, D D...) to any focused element
  // in a cell, output included: an arrow on a focused slider went to the notebook, not the slider. Lumino
  // skips its shortcuts for a focused element carrying this attribute (on an ancestor it is not enough:
  // the element itself matches the binding's `:focus` first), so each control the view focuses gets it.
  root.addEventListener("focusin", (event) => {
    if (event.target instanceof Element) event.target.setAttribute("data-lm-suppress-shortcuts", "true");
  });
  el.replaceChildren(root);
  let shown = "";
  let publishing = false;
  /** @type {(() => void) | null} */
  let unmount = null;

  /** The view changed its state (a slider moved): set the traits it changed, in one sync. */
  function onState(/** @type {unknown} */ state) {
    const params = view.stateToUrl(state);
    let changed = false;
    publishing = true; // model.set fires change events at once: they are this view's own, not news
    for (const [trait, name] of Object.entries(names)) {
      const text = params.get(name);
      if (text === null) continue;
      const value = typeof model.get(trait) === "number" ? Number(text) : text;
      if (value !== model.get(trait)) { model.set(trait, value); changed = true; }
    }
    publishing = false;
    shown = paramsOf(model).toString();
    if (changed) model.save_changes();
  }

  /** Traits changed in Python (`w.padding = 2`): mount the view again with them, unless it sent them. */
  function remount() {
    if (publishing || paramsOf(model).toString() === shown) return;
    shown = paramsOf(model).toString();
    unmount?.();
    unmount = view.mount(root, { api, state: view.stateFromUrl(paramsOf(model)), onState });
  }
  for (const trait of Object.keys(names)) model.on(`change:${trait}`, remount);
  remount();
  return () => {
    for (const trait of Object.keys(names)) model.off(`change:${trait}`, remount);
    unmount?.();
  };
}

export default { render };
