// The app shell's router: `#/<view>?<state>` picks a view, mounts it into <main>, and keeps the URL
// in step with the view's state so any moment can be shared by copying the address.

import { createApi } from "./api.js";
import { formatHash, parseHash, playgroundFromParams, playgroundToParams } from "./state.js";
import { networkFromParams, networkToParams } from "./views/network-state.js";

/**
 * A view: its nav label, how to load it, and how its state maps to and from URL parameters.
 * Later views (network explorer, training, 1-D convolution) add an entry here and a nav link.
 * @typedef {{title: string, load: () => Promise<{mount: Function}>,
 *   fromParams: (params: URLSearchParams) => any, toParams: (state: any) => URLSearchParams}} Route
 */

/** @type {Record<string, Route>} */
const ROUTES = {
  playground: {
    title: "Convolution playground",
    load: () => import("./views/playground.js"),
    fromParams: playgroundFromParams,
    toParams: playgroundToParams,
  },
  network: {
    title: "Network explorer",
    load: () => import("./views/network.js"),
    fromParams: networkFromParams,
    toParams: networkToParams,
  },
  training: {
    title: "Live training",
    load: () => import("./views/training.js"),
    fromParams: () => ({}),
    toParams: () => new URLSearchParams(),
  },
};

/**
 * Mount the view the URL names; remount whenever the URL changes from outside (a pasted link, the
 * back button). The view's own updates use replaceState, which fires no hashchange.
 * @param {HTMLElement} main @param {import("./api.js").Api} api
 */
export function startRouter(main, api) {
  /** @type {{unmount: () => void} | null} */
  let mounted = null;
  let latest = 0; // the newest navigation; an older one still loading its module must not mount

  async function route() {
    const navigation = ++latest;
    const { view, params } = parseHash(location.hash);
    const entry = ROUTES[view];
    mounted?.unmount();
    mounted = null;
    for (const link of document.querySelectorAll("[data-nav]")) {
      if (link.getAttribute("data-nav") === view) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
    if (!entry) {
      main.innerHTML = `<p class="panel">No view called “${view.replace(/[^\w-]/g, "")}”.
        <a href="#/playground">Open the convolution playground</a>.</p>`;
      return;
    }
    document.title = `${entry.title} · convscope`;
    const module = await entry.load();
    if (navigation !== latest) return; // the address changed while the module loaded
    const onState = (/** @type {any} */ state) => {
      history.replaceState(null, "", formatHash(view, entry.toParams(state)));
    };
    mounted = module.mount(main, { api, state: entry.fromParams(params), onState });
  }

  window.addEventListener("hashchange", route);
  route();
}

startRouter(/** @type {HTMLElement} */ (document.getElementById("app")), createApi());
