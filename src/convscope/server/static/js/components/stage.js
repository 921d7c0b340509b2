// A stage: the part of a view that draws, redrawn at most once per animation frame and whenever the
// view's own element changes size (not the window's, so a view can live in a notebook cell or a
// sidebar). Destroying it stops both.

/**
 * @param {HTMLElement} root  the element whose size the drawing follows
 * @param {() => void} draw
 * @returns {{schedule: () => void, destroy: () => void}}
 */
export function createStage(root, draw) {
  let frame = 0;
  let closed = false;
  const schedule = () => {
    if (!frame && !closed) frame = requestAnimationFrame(() => { frame = 0; draw(); });
  };
  let width = root.clientWidth;
  const observer = new ResizeObserver(() => {
    // Only a change of width changes what fits; growing taller as panels fill in is no reason to redraw.
    if (root.clientWidth === width) return;
    width = root.clientWidth;
    schedule();
  });
  observer.observe(root);
  return {
    schedule,
    destroy() {
      closed = true;
      cancelAnimationFrame(frame);
      observer.disconnect();
    },
  };
}
