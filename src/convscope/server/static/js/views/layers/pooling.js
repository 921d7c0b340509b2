// Max, average, sum and L2 pooling side by side on the same activated map. One window is current: the
// pooled cell under the pointer (or moved to with the arrow keys); it is boxed on the map, marked in
// every pooled output, and each kind's panel lists its values with the gradient share each one gets back.

import { moveCell } from "../../components/grid-keys.js";
import { COLORS } from "../../config.js";
import { formatValue } from "../../draw/colors.js";
import { cellAt } from "../../draw/grid.js";
import { drawMap, layerScale } from "../../draw/maps.js";

/**
 * @typedef {import("../../types-layers.js").PoolingLesson} PoolingLesson
 * @typedef {import("../../types-layers.js").PoolingKind} PoolingKind
 */

const MAP_SIDE = 176;
const POOLED_SIDE = 120;

/** @param {number} side @param {number[][]} grid */
const cellFor = (side, grid) => Math.max(2, Math.floor(side / Math.max(grid.length, grid[0]?.length ?? 1)));

/** The panel of one kind (built once per answer). @param {PoolingKind} kind */
function panelHtml(kind) {
  return `<section class="ly-pool" data-testid="pool-${kind.kind}" aria-label="${kind.label} pooling">
    <h3>${kind.label}</h3>
    <p class="hint">${kind.rule}</p>
    <div class="ly-pool-row">
      <figure class="ly-figure"><canvas tabindex="0" role="img" data-kind="${kind.kind}"
        data-testid="pool-output-${kind.kind}" aria-label="${kind.label} pooling's output: hover a cell, or
        use the arrow keys, to see its window and where its gradient goes"></canvas><figcaption class="ly-caption">pooled</figcaption></figure>
      <figure class="ly-figure"><canvas data-testid="pool-gradient-${kind.kind}" role="img"
        aria-label="where ${kind.label} pooling sends the gradient of the chosen output cell"></canvas>
        <figcaption class="ly-caption"></figcaption></figure>
    </div>
    <div class="ly-pool-window" data-window="${kind.kind}" data-testid="pool-window-${kind.kind}"></div>
  </section>`;
}

/**
 * One window's values and, under each, the share of the gradient it gets back.
 * @param {PoolingLesson} pooling @param {PoolingKind} kind @param {number} n
 */
function windowHtml(pooling, kind, n) {
  const window = pooling.windows[n];
  const k = pooling.kernel_size;
  const shares = kind.shares[n];
  const top = Math.max(...shares.map(Math.abs)) || 1;
  let rows = "";
  for (let r = 0; r < k; r += 1) {
    rows += "<tr>";
    for (let c = 0; c < k; c += 1) {
      const i = r * k + c;
      const strength = Math.abs(shares[i]) / top;
      // Inline styles are refused by the page's CSP: the share's strength is one of four classes.
      const style = shares[i] !== 0 ? ` class="ly-share-${Math.max(1, Math.ceil(4 * strength))}"` : "";
      rows += window.padding[i]
        ? `<td class="is-padding"><span>pad</span><span class="weight">→ ${formatValue(shares[i])}</span></td>`
        : `<td${style}><span>${formatValue(window.values[i])}</span><span class="weight">→ ${formatValue(shares[i])}</span></td>`;
    }
    rows += "</tr>";
  }
  const [i, j] = window.out;
  const value = kind.output[i][j];
  return `<table class="products${k > 3 ? " is-large" : ""}">${rows}</table>
    <p class="ly-pool-value">out[${i}, ${j}] = <strong data-testid="pool-value-${kind.kind}" data-value="${value}">${formatValue(value)}</strong></p>`;
}

/**
 * @param {HTMLElement} el
 * @returns {{render: (pooling: PoolingLesson, map: number[][], near: number[]) => void}}
 */
export function createPooling(el) {
  /** @type {{pooling: PoolingLesson, map: number[][]} | null} */
  let shown = null;
  let current = 0;
  let structure = "";

  /** Show window n everywhere. @param {number} n */
  function show(n) {
    if (!shown) return;
    const { pooling, map } = shown;
    current = n;
    const window = pooling.windows[n];
    const rows = window.positions.map((p) => p[0]);
    const cols = window.positions.map((p) => p[1]);
    const box = { r0: Math.min(...rows), r1: Math.max(...rows), c0: Math.min(...cols), c1: Math.max(...cols) };
    const clipped = { r0: Math.max(0, box.r0), r1: Math.min(map.length - 1, box.r1),
      c0: Math.max(0, box.c0), c1: Math.min(map[0].length - 1, box.c1) };
    const mapCanvas = /** @type {HTMLCanvasElement} */ (el.querySelector("[data-testid=pool-map]"));
    drawMap(mapCanvas, map, { cell: cellFor(MAP_SIDE, map), scale: layerScale(map), box: clipped });
    const cell = /** @type {[number, number]} */ ([window.out[0], window.out[1]]);
    for (const kind of pooling.kinds) {
      const canvas = /** @type {HTMLCanvasElement} */ (el.querySelector(`canvas[data-kind="${kind.kind}"]`));
      drawMap(canvas, kind.output, { cell: cellFor(POOLED_SIDE, kind.output), scale: layerScale(kind.output),
        marks: [{ cell, color: COLORS.accent }] });
      const table = /** @type {HTMLElement} */ (el.querySelector(`[data-window="${kind.kind}"]`));
      table.innerHTML = windowHtml(pooling, kind, n);
    }
  }

  /** @param {Event} event @returns {[PoolingKind, HTMLCanvasElement] | null} */
  function target(event) {
    const canvas = event.target;
    if (!shown || !(canvas instanceof HTMLCanvasElement) || !canvas.dataset.kind) return null;
    const kind = shown.pooling.kinds.find((k) => k.kind === canvas.dataset.kind);
    return kind ? [kind, canvas] : null;
  }

  /** @param {MouseEvent} event */
  function pointAt(event) {
    const hit = target(event);
    if (!hit) return;
    const [kind] = hit;
    const rows = kind.output.length;
    const cols = kind.output[0].length;
    const cell = cellAt(event.offsetX, event.offsetY, cellFor(POOLED_SIDE, kind.output), rows, cols);
    if (cell && cell[0] * cols + cell[1] !== current) show(cell[0] * cols + cell[1]);
  }
  el.addEventListener("mousemove", pointAt);
  el.addEventListener("click", pointAt);
  el.addEventListener("keydown", (event) => {
    const hit = target(event);
    if (!hit || !shown) return;
    const [kind] = hit;
    const cols = kind.output[0].length;
    const out = shown.pooling.windows[current].out;
    const next = moveCell([out[0], out[1]], event.key, kind.output.length, cols);
    if (!next) return;
    event.preventDefault();
    show(next[0] * cols + next[1]);
  });

  return {
    render(pooling, map, near) {
      shown = { pooling, map };
      const shape = `${pooling.kinds[0].output.length}x${pooling.kinds[0].output[0].length}`;
      if (shape !== structure) {
        el.innerHTML = `<figure class="ly-figure ly-pool-map"><canvas data-testid="pool-map" role="img"
          aria-label="the map being pooled, after the activation"></canvas>
          <figcaption class="ly-caption">the map being pooled (after the activation)</figcaption></figure>
          <div class="ly-pools">${pooling.kinds.map(panelHtml).join("")}</div>`;
        structure = shape;
        // First, the window over the explained unit (the first one that reads it), so the story continues.
        current = Math.max(0, pooling.windows.findIndex((w) => w.positions.some((p) => p[0] === near[0] && p[1] === near[1])));
      }
      for (const kind of pooling.kinds) {
        const canvas = /** @type {HTMLCanvasElement} */ (el.querySelector(`[data-testid="pool-gradient-${kind.kind}"]`));
        const scale = layerScale(kind.gradient);
        drawMap(canvas, kind.gradient, { cell: cellFor(POOLED_SIDE, kind.gradient), scale });
        /** @type {HTMLElement} */ (canvas.nextElementSibling).textContent =
          `gradient back when every output sends 1: ${formatValue(scale.min)} … ${formatValue(scale.max)}`;
      }
      show(Math.min(current, pooling.windows.length - 1));
    },
  };
}
