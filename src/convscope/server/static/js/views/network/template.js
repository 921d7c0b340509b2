// The network view's markup. Parts that code fills are named by data-part; data-testid names what
// tests (and people reading the DOM) look for.

export const NETWORK_HTML = `
<div class="network" data-busy="true">
  <section class="panel nw-input" aria-labelledby="nw-input-title">
    <h2 id="nw-input-title">Draw a digit</h2>
    <canvas class="nw-pad" data-part="pad" data-testid="pad" width="280" height="280" role="img" tabindex="0"
      aria-label="drawing pad: draw a digit with the mouse, a pen or a finger, or arrows to move and Space to ink, Delete to erase"></canvas>
    <div class="nw-pad-actions">
      <button type="button" data-part="clear" data-testid="clear">Clear</button>
      <span class="hint">or a sample:</span>
    </div>
    <div class="nw-samples" role="group" aria-label="bundled sample digits" data-part="samples"></div>
    <div class="nw-prediction" data-part="prediction" data-testid="prediction-panel" aria-live="polite">
      <p class="nw-answer" data-part="answer" data-testid="prediction" data-prediction="">
        <span>Prediction</span> <strong data-part="answer-digit">–</strong>
      </p>
      <p class="nw-message" data-part="message" data-testid="message" hidden></p>
      <p class="nw-message nw-warning" data-part="warning" data-testid="drawing-warning" role="status" hidden></p>
      <ol class="nw-probs" data-part="bars" data-testid="probabilities" aria-label="probability of each digit"></ol>
    </div>
    <p class="error" data-part="error" data-testid="error" role="alert" hidden></p>
  </section>
  <div class="nw-main">
    <section class="panel nw-prep" aria-labelledby="nw-prep-title">
      <h2 id="nw-prep-title">What the network sees</h2>
      <p class="hint" data-part="stages-empty">Draw a digit (or pick a sample) to see it boxed, fitted into
        20×20, centred by its centre of mass in 28×28 and padded to the network's 32×32 input.</p>
      <div class="nw-stages" data-part="stages" data-testid="preprocessing"></div>
    </section>
    <section class="panel nw-layers-panel" aria-labelledby="nw-layers-title">
      <div class="nw-layers-head">
        <h2 id="nw-layers-title">Every layer <span class="size" data-part="model" data-testid="model"></span></h2>
        <button type="button" data-part="switch-model" data-testid="switch-model" hidden></button>
      </div>
      <p class="hint">Each map shares one colour scale per layer: white is zero, red positive, blue negative
        (greys where a layer has no negatives). Click any unit to explain it (its map is zoomed beside).</p>
      <p class="hint nw-legend" data-testid="field-legend"><span class="nw-swatch" aria-hidden="true"></span>
        Receptive field: once a unit is chosen, an orange box on the maps and a peach band on the flatten and fc
        rows mark every unit its value depends on, layer by layer.</p>
      <div class="nw-layers" data-part="layers" data-testid="layers"></div>
    </section>
    <section class="panel nw-export" data-part="export" data-testid="export" aria-label="export"></section>
  </div>
  <aside class="panel nw-unit" aria-labelledby="nw-unit-title">
    <h2 id="nw-unit-title">One unit</h2>
    <button type="button" class="nw-back" data-part="back" data-testid="back-to-layer" hidden></button>
    <figure class="nw-zoom" data-part="zoom" data-testid="zoom" hidden></figure>
    <div data-part="unit" data-testid="unit" data-busy="false" aria-live="polite"></div>
  </aside>
</div>`;
