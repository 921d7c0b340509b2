// The Layers view's markup. Parts that code fills are named by data-part; data-testid names what tests
// (and people reading the DOM) look for. Field names are the request's, so a server message naming a
// field lands beside its control.

import { numberFieldHtml } from "../../components/number-field.js";

/** @param {string} name @param {string} label @param {number} min @param {number} max @param {string} hint */
const field = (name, label, min, max, hint) =>
  numberFieldHtml({ name, label, value: min, min, max, step: 1, hint, idPrefix: "ly" });

export const LAYERS_HTML = `
<div class="layers" data-busy="true">
  <section class="panel ly-settings" aria-labelledby="ly-settings-title">
    <h2 id="ly-settings-title">A convolution layer</h2>
    <label>Input
      <select name="input" data-part="input" data-testid="field-input"></select>
      <span class="hint" data-part="input-hint"></span>
    </label>
    <div class="ly-digit" data-part="digit-fields">
      ${field("digit", "Digit", 0, 9, "0..9")}
      ${field("index", "Example", 0, 9999, "which one")}
    </div>
    <fieldset class="ly-init">
      <legend>Filters</legend>
      <div role="group" aria-label="how the filters are made">
        <button type="button" data-init="named" data-testid="init-named">Named</button>
        <button type="button" data-init="random" data-testid="init-random">Random</button>
      </div>
    </fieldset>
    <div class="ly-fields">
      ${field("filters", "How many", 1, 16, "1..16")}
      ${field("kernel_size", "Kernel size k", 1, 7, "1..7")}
      ${field("stride", "Stride S", 1, 4, "1..4")}
      ${field("padding", "Padding P", 0, 3, "0..3")}
      <div data-part="seed-field">${field("seed", "Seed", 0, 4294967295, "random filters")}</div>
    </div>
    <p class="error" data-part="error" data-testid="error" role="alert" hidden></p>
  </section>
  <section class="panel ly-input" aria-labelledby="ly-input-title">
    <h2 id="ly-input-title">Input <span class="size" data-part="input-shape"></span></h2>
    <div class="ly-slices" data-part="input-slices" data-testid="input-slices"></div>
    <h2>Filters <span class="size" data-part="filter-shape"></span></h2>
    <p class="hint">Each filter is as deep as the input: one k×k slice per input channel, and one bias.
      Red weights are positive, blue negative, white 0 (each filter on its own scale).</p>
    <div class="ly-filters" data-part="filters" data-testid="filters"></div>
  </section>
  <section class="panel ly-output" aria-labelledby="ly-output-title">
    <h2 id="ly-output-title">Output volume <span class="size" data-part="output-shape" data-testid="output-shape"></span></h2>
    <p class="ly-formula" data-part="formula" data-testid="formula"></p>
    <p class="hint">One map per filter, each on its own colour scale: white is 0; red positive and blue negative
      (greys, white to black, for a map with no negatives).
      Click a unit (or focus a map and use the arrow keys) to see how it is computed.</p>
    <div class="ly-volume" data-part="volume" data-testid="volume"></div>
  </section>
  <section class="panel ly-unit" aria-labelledby="ly-unit-title">
    <h2 id="ly-unit-title">One unit: the dot product across depth</h2>
    <div data-part="unit" data-testid="unit" aria-live="polite"></div>
  </section>
  <section class="panel ly-activation" aria-labelledby="ly-activation-title">
    <h2 id="ly-activation-title">Activation</h2>
    <div class="ly-act-buttons" role="group" aria-label="activation function" data-part="activations"></div>
    <div data-part="slope-field">${numberFieldHtml({ name: "negative_slope", label: "Slope a for x < 0", value: 0.01,
      min: 0, max: 1, step: "any", hint: "0..1", idPrefix: "ly" })}</div>
    <div class="ly-act" data-part="activation" data-testid="activation"></div>
  </section>
  <section class="panel ly-pooling" aria-labelledby="ly-pooling-title">
    <h2 id="ly-pooling-title">Pooling, four ways <span class="size" data-part="pool-shape"></span></h2>
    <div class="ly-fields">
      ${field("pool_kernel_size", "Pool kernel", 1, 8, "1..8")}
      ${field("pool_stride", "Pool stride", 1, 4, "1..4")}
      ${field("pool_padding", "Pool padding", 0, 4, "at most half the kernel")}
    </div>
    <p class="ly-formula" data-part="pool-formula" data-testid="pool-formula"></p>
    <p class="hint">Hover or focus a pooled cell (arrow keys move) to see its window on the map, and where each
      kind of pooling sends that cell's gradient on the way back.</p>
    <div data-part="pooling" data-testid="pooling"></div>
  </section>
  <section class="panel ly-export" data-part="export" data-testid="export" aria-label="export"></section>
</div>`;
