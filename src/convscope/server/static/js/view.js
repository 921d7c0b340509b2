// The shape every page exports from its folder (`views/<concept>/index.js` as `view`): what the router
// needs to show it, and nothing else. A view draws into the element it is given, looks only inside it,
// and hands back the function that tears it down.

/**
 * @typedef {import("./api.js").Api} Api
 */

/**
 * @template S  the view's state: what its URL holds
 * @typedef {object} View
 * @property {string} route  the hash path, `#/<route>`
 * @property {string} title  the document title while it is shown
 * @property {(params: URLSearchParams) => S} stateFromUrl  its state from the URL's parameters
 * @property {(state: S) => URLSearchParams} stateToUrl  its state as URL parameters
 * @property {(el: HTMLElement, ctx: ViewContext<S>) => () => void} mount  draw into `el`; returns unmount
 */

/**
 * @template S
 * @typedef {object} ViewContext
 * @property {Api} api  the one client that talks to the server
 * @property {S} state  the state the URL asked for
 * @property {(state: S) => void} onState  the view's state changed (the router writes it to the URL)
 */

export {};
