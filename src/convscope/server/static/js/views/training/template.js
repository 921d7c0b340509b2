// The training view's markup. Parts that code fills are named by data-part; data-testid names what
// tests (and people reading the DOM) look for. Field names are the POST /api/training body's.

import { numberFieldHtml } from "../../components/number-field.js";

/** @param {string} name @param {string} label @param {number} value @param {number} min @param {number} max @param {number | string} step @param {string} hint */
const number = (name, label, value, min, max, step, hint) =>
  numberFieldHtml({ name, label, value, min, max, step, hint, idPrefix: "tr" });

export const TRAINING_HTML = `
<div class="training">
  <form class="panel tr-form" data-part="form" data-testid="training-form" aria-labelledby="tr-form-title" novalidate>
    <h2 id="tr-form-title">Train a LeNet</h2>
    <!-- Start and Stop first: on a short screen they stay in view above the settings. -->
    <div class="tr-actions tr-run-actions">
      <button type="submit" class="primary" data-part="start" data-testid="start">Start</button>
      <button type="button" data-part="stop" data-testid="stop" disabled>Stop</button>
    </div>
    <div class="tr-fields">
    ${number("conv1_channels", "conv1 filters", 6, 1, 32, 1, "maps of the first convolution")}
    ${number("conv2_channels", "conv2 filters", 16, 1, 32, 1, "maps of the second")}
    <label>Kernel size
      <select name="kernel_size" data-testid="field-kernel_size">
        <option value="3">3×3</option><option value="5" selected>5×5</option>
      </select>
    </label>
    ${number("lr", "Learning rate", 0.002, 0.00001, 1, "any", "size of each step")}
    ${number("batch_size", "Batch size", 64, 8, 512, 1, "images per step")}
    ${number("epochs", "Epochs", 3, 1, 20, 1, "passes over the digits")}
    <label>Optimiser
      <select name="optimizer" data-testid="field-optimizer">
        <option value="adam" selected>Adam</option><option value="sgd">SGD with momentum</option>
      </select>
    </label>
    <label class="tr-wide">Loss
      <select name="loss" data-testid="field-loss">
        <option value="cross_entropy" selected>cross-entropy</option>
        <option value="half_squared_error">half squared error</option>
      </select>
    </label>
    ${number("train_size", "Training digits", 8000, 64, 8000, 1, "fewer: a quick demo")}
    <label>Augmentation
      <select name="augment" data-testid="field-augment">
        <option value="0">none</option><option value="1">shift ±1 px</option>
        <option value="2" selected>shift ±2 px</option><option value="3">shift ±3 px</option>
        <option value="4">shift ±4 px</option>
      </select>
      <span class="hint">random moves; shipped: ±2</span>
    </label>
    <label class="tr-wide">Speed
      <select name="steps_per_second" data-testid="field-steps_per_second">
        <option value="" selected>full speed</option><option value="20">slow: 20 steps a second</option>
        <option value="5">slower: 5 steps a second</option><option value="1">slowest: 1 step a second</option>
      </select>
      <span class="hint">slow: watch filters and curves change (same weights)</span>
    </label>
    </div>
  </form>
  <div class="tr-main">
    <section class="panel" aria-labelledby="tr-status-title">
      <h2 id="tr-status-title">Progress</h2>
      <div class="tr-status" data-part="status" data-testid="training-status" data-status="idle" aria-live="polite">
        <strong data-part="status-text">No training yet</strong>
        <span data-part="epoch"></span><span data-part="run" data-testid="run-progress"></span>
        <span data-part="speed" data-testid="speed"></span>
        <span data-part="latest"></span>
      </div>
      <progress class="tr-progress" data-part="progress" data-testid="progress" max="1" value="0"
        aria-label="progress through the whole run"></progress>
      <p class="error" data-part="message" data-testid="training-message" role="alert" hidden></p>
      <div class="tr-actions">
        <button type="button" data-part="use" data-testid="use" disabled>Use in network view</button>
        <a class="button" data-part="download" data-testid="download" download="convscope-lenet.npz" aria-disabled="true">Download weights</a>
        <span class="hint" data-part="used" data-testid="used"></span>
      </div>
    </section>
    <div class="tr-charts">
      <section class="panel" aria-labelledby="tr-loss-title">
        <h2 id="tr-loss-title">Loss</h2>
        <canvas data-part="loss-chart" data-testid="loss-chart" role="img" aria-label="loss against epochs"></canvas>
        <div class="tr-key" data-testid="loss-key"><span class="tr-key-train" data-part="loss-key-train">training (per batch)</span><span class="tr-key-held">held-out cross-entropy (per epoch)</span></div>
        <p class="hint" data-part="loss-note" hidden>Training minimises half squared error; held-out loss is always
          cross-entropy (so runs with either loss compare): they are different quantities.</p>
      </section>
      <section class="panel" aria-labelledby="tr-acc-title">
        <h2 id="tr-acc-title">Accuracy</h2>
        <canvas data-part="accuracy-chart" data-testid="accuracy-chart" role="img" aria-label="accuracy against epochs"></canvas>
        <div class="tr-key"><span class="tr-key-train">training (per batch)</span><span class="tr-key-held">held-out (per epoch)</span></div>
      </section>
      <p class="hint tr-wide">Pale: each batch's own number; solid: their running average, each batch weighted by
        its size (so a short last batch is not a collapse).</p>
    </div>
    <section class="panel" aria-labelledby="tr-filters-title">
      <h2 id="tr-filters-title">conv1 filters, as they learn</h2>
      <p class="hint">Each filter's weights: red positive, blue negative, white zero (one scale for all).</p>
      <div class="tr-filters" data-part="filters" data-testid="filters"></div>
    </section>
    <section class="panel tr-export" data-part="export" data-testid="export" aria-label="export"></section>
    <section class="panel tr-step" data-part="step" data-testid="step" aria-labelledby="tr-step-title"></section>
  </div>
</div>`;
