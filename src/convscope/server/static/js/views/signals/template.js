// The signals page's markup: four sections in the order of Colah's "Understanding Convolutions". Parts
// that code fills are named by data-part; data-testid names what tests look for. Every step has its
// sentence (class "explain") beside it.

/** One drop's editor: its chart, a preset menu, its numbers and its error line. @param {"f" | "g"} key @param {string} title */
const dropHtml = (key, title) => `
  <section class="sig-drop" aria-labelledby="sig-${key}-title">
    <h3 id="sig-${key}-title">${title}</h3>
    <label class="sig-inline">Preset <select data-part="${key}-preset" data-testid="${key}-preset"></select></label>
    <div class="sig-plot" data-part="${key}-wrap"><canvas data-part="${key}-bars" data-testid="${key}-bars" tabindex="0"
      aria-label="${key}: drag a bar to set its probability; arrow keys pick a bar and raise or lower it"></canvas></div>
    <div class="sig-actions">
      <button type="button" data-part="${key}-fewer" data-testid="${key}-fewer">− step</button>
      <button type="button" data-part="${key}-more" data-testid="${key}-more">+ step</button>
    </div>
    <p class="sig-numbers" data-part="${key}-numbers" data-testid="${key}-numbers"></p>
    <p class="error" data-part="${key}-error" data-testid="${key}-error" role="alert" hidden></p>
  </section>`;

export const SIGNALS_HTML = `
<div class="signals" data-busy="true">
  <p class="explain sig-intro">Convolution, built from one dimension as in Colah's "Understanding Convolutions":
    a ball dropped twice, the same sum seen as flip-and-slide, and an echo you can hear.</p>

  <section class="panel sig-section" aria-labelledby="sig-balls-title">
    <h2 id="sig-balls-title">1. A ball dropped twice</h2>
    <p class="explain">A ball falls a distance a with chance f(a), then again a distance b with chance g(b).
      It ends at c = a + b in every way whose steps add up to c, so the chance of c is the sum of f(a)·g(b)
      over a + b = c: that sum is the convolution (f * g)(c). Drag the bars; they are renormalised to add up to 1.</p>
    <div class="sig-drops">${dropHtml("f", "f: first drop")}${dropHtml("g", "g: second drop")}</div>
    <section class="sig-conv" aria-labelledby="sig-conv-title">
      <h3 id="sig-conv-title">f * g: where the ball ends</h3>
      <div class="sig-setting">
        <label for="sig-total">Total distance c <output data-part="total-value" data-testid="total-value"></output></label>
        <input type="range" id="sig-total" min="0" max="10" step="1" data-part="total" data-testid="total">
      </div>
      <p class="explain">Each pair a + b = c is lit on f and g; their products add up to the lit bar of f * g.</p>
      <div class="sig-plot" data-part="conv-wrap"><canvas data-part="conv-bars" data-testid="conv-bars" role="img"
        aria-label="bar chart of f * g: the chance the ball ends at each total distance c, the chosen c lit"></canvas></div>
      <ol class="sig-pairs" data-part="pairs" data-testid="pairs"></ol>
      <p class="sig-sum" data-part="sum" data-testid="sum"></p>
      <p class="error" data-part="conv-error" data-testid="conv-error" role="alert" hidden></p>
    </section>
    <section class="sig-dropping" aria-labelledby="sig-sim-title">
      <h3 id="sig-sim-title">Drop balls</h3>
      <p class="explain">Throw N balls twice each (a seeded generator, so a link shows the same throws): the green
        ticks are the fractions that ended at each c, and they settle on f * g as N grows.</p>
      <div class="sig-fields" data-part="drop-fields"></div>
      <button type="button" class="primary" data-part="drop" data-testid="drop">Drop balls</button>
      <p class="sig-distance" data-part="distance" data-testid="distance" aria-live="polite"></p>
      <p class="error" data-part="drop-error" data-testid="drop-error" role="alert" hidden></p>
    </section>
  </section>

  <section class="panel sig-section" aria-labelledby="sig-slide-title">
    <h2 id="sig-slide-title">2. Flip and slide</h2>
    <p class="explain" data-part="slide-explain"></p>
    <div class="sig-slide-controls" data-part="slide-controls"></div>
    <p class="error" data-part="slide-error" data-testid="slide-error" role="alert" hidden></p>
    <div class="transport" role="group" aria-label="slide animation" data-part="transport"></div>
    <div class="pg-speed" data-part="speed"></div>
    <p class="sig-readout" data-part="readout" data-testid="slide-readout" aria-live="polite"></p>
    <div class="sig-plot" data-part="slide-wrap"><canvas data-part="slide-top" data-testid="slide-top" role="img"
      aria-label="f and the flipped g sliding over it, their overlap shaded"></canvas>
      <canvas data-part="slide-result" data-testid="slide-result" role="img"
      aria-label="f * g drawn up to the slide's current shift"></canvas></div>
    <div class="sig-laws" data-part="laws"></div>
    <section class="sig-export" data-part="export" data-testid="export" aria-label="export the flip and slide"></section>
  </section>

  <section class="panel sig-section" aria-labelledby="sig-xcorr-title">
    <h2 id="sig-xcorr-title">3. Convolution or cross-correlation</h2>
    <label class="sig-toggle"><input type="checkbox" data-part="flip" data-testid="flip"> Flip g (convolution)</label>
    <p class="explain" data-part="flip-explain" data-testid="flip-explain"></p>
    <p><a data-part="playground-link" data-testid="playground-link" href="#/playground">Open the playground set up the same way</a></p>
  </section>

  <section class="panel sig-section" aria-labelledby="sig-echo-title">
    <h2 id="sig-echo-title">4. An echo is a convolution</h2>
    <p class="explain">An echo is the sound plus a quieter, later copy of it: the sound convolved with two spikes.
      Every spike in the impulse response adds a copy, delayed by its time and scaled by its gain.</p>
    <div data-part="echo"></div>
  </section>
</div>`;
