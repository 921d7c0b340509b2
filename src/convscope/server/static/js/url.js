// The URL hash names the view and holds its state: `#/playground?digit=3&index=0&kernel=ones&...`.
// Pure functions; the router reads and writes `location.hash`, each view maps its own parameters.

/**
 * Split a hash like "#/playground?a=1" into its view name and parameters.
 * @param {string} hash
 * @returns {{view: string, params: URLSearchParams}}
 */
export function parseHash(hash) {
  const text = hash.replace(/^#\/?/, "");
  const [view, query = ""] = text.split("?", 2);
  return { view: view || "playground", params: new URLSearchParams(query) };
}

/**
 * @param {string} view
 * @param {URLSearchParams} params
 * @returns {string}
 */
export function formatHash(view, params) {
  const query = params.toString();
  return `#/${view}${query ? `?${query}` : ""}`;
}
