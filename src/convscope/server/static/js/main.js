// The app shell's router: `#/<view>?<state>` picks a view, mounts it into <main>, and keeps the URL
// in step with the view's state so any moment can be shared by copying the address.

import { createApi } from "./api.js";
import { startPresenter } from "./presenter.js";
import { formatHash, parseHash } from "./url.js";

/**
 * Every page, by its route: one folder under views/ and one line here (and a nav link in index.html).
 * A view's module loads when it is first opened.
 * @type {Record<string, () => Promise<{view: import("./view.js").View<any>}>>}
 */
const VIEWS = {
  playground: () => import("./views/playground/index.js"),
  network: () => import("./views/network/index.js"),
  training: () => import("./views/training/index.js"),
  layers: () => import("./views/layers/index.js"),
  matrix: () => import("./views/matrix/index.js"),
  kernels: () => import("./views/kernels/index.js"),
  signals: () => import("./views/signals/index.js"),
};

/**
 * Mount the view the URL names; remount whenever the URL changes from outside (a pasted link, the
 * back button). The view's own updates use replaceState, which fires no hashchange.
 * @param {HTMLElement} main @param {import("./api.js").Api} api
 */
export function startRouter(main, api) {
  /** @type {(() => void) | null} */
  let unmount = null;
  let latest = 0; // the newest navigation; an older one still loading its module must not mount

  async function route() {
    const navigation = ++latest;
    const { view: name, params } = parseHash(location.hash);
    const load = VIEWS[name];
    unmount?.();
    unmount = null;
    for (const link of document.querySelectorAll("[data-nav]")) {
      if (link.getAttribute("data-nav") === name) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
    if (!load) {
      main.innerHTML = `<p class="panel">No view called “${name.replace(/[^\w-]/g, "")}”.
        <a href="#/playground">Open the convolution playground</a>.</p>`;
      return;
    }
    const { view } = await load();
    if (navigation !== latest) return; // the address changed while the module loaded
    document.title = `${view.title} · convscope`;
    const onState = (/** @type {unknown} */ state) => {
      history.replaceState(null, "", formatHash(view.route, view.stateToUrl(state)));
    };
    unmount = view.mount(main, { api, state: view.stateFromUrl(params), onState });
  }

  window.addEventListener("hashchange", route);
  route();
}

startPresenter(/** @type {HTMLButtonElement} */ (document.querySelector("[data-testid=presenter-toggle]")));
startRouter(/** @type {HTMLElement} */ (document.getElementById("app")), createApi());
