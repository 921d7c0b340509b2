// The playground's markup. Parts that code fills are named by data-part; data-testid names what
// tests (and people reading the DOM) look for.
//
// The payoff comes first and fits one screen (1280x800, a 1024x576 projector, a phone): the player's
// bar, then the input with its window, the window's products and Σ, and the output, side by side.
// Everything that explains or chooses (validity, the input's choice, settings) sits after or beside it,
// so a long explanation never pushes the picture down, and Play never moves.

export const PLAYGROUND_HTML = `
<div class="playground">
  <aside class="panel pg-settings" aria-labelledby="pg-settings-title">
    <h2 id="pg-settings-title">Settings</h2>
    <div data-part="sliders"></div>
    <div class="setting" data-part="kernel"></div>
  </aside>
  <div class="pg-main">
    <div class="pg-notes">
      <p class="error" data-part="error" data-testid="error" role="alert" hidden></p>
      <p class="note" data-part="link-note" data-testid="link-note" role="status" hidden>
        <span data-part="link-note-text"></span>
        <button type="button" data-part="link-note-close" data-testid="link-note-close">OK</button></p>
    </div>
    <div class="panel pg-bar">
      <div class="transport" role="group" aria-label="animation" data-part="transport"></div>
      <div class="pg-speed" data-part="speed"></div>
    </div>
    <section class="panel pg-input" aria-labelledby="pg-input-title">
      <h2 id="pg-input-title">Input <span class="size" data-part="input-size" data-testid="input-size"></span></h2>
      <div class="sketch-box" data-part="sketch" hidden></div>
      <div class="grid-wrap" data-part="input-wrap" data-testid="input-grid" data-highlight="" tabindex="0" role="group"
        aria-label="padded input; arrow keys probe a pixel and light the outputs it feeds"><canvas role="img"
        aria-label="the padded input as grey cells, the current window outlined"></canvas></div>
      <button type="button" class="inline" data-part="sketch-done" data-testid="sketch-done" hidden></button>
      <div class="legend" data-part="input-legend"></div>
      <div class="swatches" data-part="input-swatches"></div>
    </section>
    <section class="panel pg-window" aria-labelledby="pg-window-title">
      <h2 id="pg-window-title">Step by step</h2>
      <div data-part="window" data-testid="window"></div>
      <p class="visually-hidden" data-part="announce" data-testid="step-announcement" aria-live="polite"></p>
    </section>
    <section class="panel pg-output" aria-labelledby="pg-output-title">
      <h2 id="pg-output-title">Output <span class="size" data-part="output-size" data-testid="output-size"></span></h2>
      <p class="output-empty" data-part="output-empty" data-testid="output-empty" hidden></p>
      <div class="grid-wrap" data-part="output-wrap" data-testid="output-grid" data-lit="" tabindex="0" role="group"
        aria-label="output; arrow keys probe a cell and light its window on the input"><canvas role="img"
        aria-label="the output cells computed so far; each step's sum is read out under Step by step"></canvas></div>
      <button type="button" class="inline why" data-part="why" data-testid="why" hidden>✗ Invalid settings: why?</button>
      <div class="legend" data-part="output-legend"></div>
      <p class="hint" data-part="output-range" data-testid="output-range"></p>
      <table hidden data-part="output-values" data-testid="output-values"></table>
    </section>
    <section class="panel pg-choose" aria-labelledby="pg-choose-title">
      <h2 id="pg-choose-title">Choose the input</h2>
      <div data-part="input-controls"></div>
    </section>
    <section class="validity" data-part="validity" data-testid="validity" aria-live="polite"
      aria-label="output size and validity" tabindex="-1"></section>
    <p class="keys" data-part="keys" data-testid="keys"></p>
    <section class="panel pg-export" data-part="export" data-testid="export" aria-label="export"></section>
  </div>
</div>`;
