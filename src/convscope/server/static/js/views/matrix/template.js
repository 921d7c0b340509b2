// The Matrix & FFT view's markup: four sections, top to bottom. Parts that code fills are named by
// data-part; data-testid names what tests (and people reading the DOM) look for.

/** A titled figure around a part. @param {string} partName @param {string} caption @param {string} [tag] */
const fig = (partName, caption, tag = "canvas") =>
  `<figure class="mx-fig"><figcaption>${caption}</figcaption><${tag} data-part="${partName}" data-testid="${partName}" role="img" aria-label="${caption}: bar chart"></${tag}></figure>`;

const MATRIX = `
<section class="panel mx-section" data-part="matrix-section" data-testid="matrix-section" aria-labelledby="mx-matrix-title">
  <h2 id="mx-matrix-title">A convolution is a matrix whose rows share the same few weights</h2>
  <div class="mx-layout">
    <div class="mx-controls">
      <div class="mx-toggle" role="group" aria-label="input">
        <button type="button" data-part="dims-1" data-testid="dims-1">1-D signal</button>
        <button type="button" data-part="dims-2" data-testid="dims-2">2-D digit</button>
      </div>
      <div data-part="matrix-sliders"></div>
      <p class="error" data-part="matrix-error" data-testid="matrix-error" role="alert" hidden></p>
      <section class="mx-export" data-part="m-export" data-testid="matrix-m-export" aria-label="export the matrix M"></section>
    </div>
    <div class="mx-figures">
      <p class="hint" data-part="source"></p>
      <div class="mx-row">
        <figure class="mx-fig"><figcaption>Input x <span data-part="input-shape"></span> <span class="hint">(padding hatched)</span></figcaption><canvas data-part="input" data-testid="matrix-input" role="img" aria-label="the input, padding hatched; hovering a pixel shows its column of M"></canvas></figure>
        <figure class="mx-fig"><figcaption>Kernel: each weight its colour</figcaption><canvas data-part="kernel" data-testid="matrix-kernel" role="img" aria-label="the kernel, each weight in its own colour"></canvas></figure>
        <figure class="mx-fig"><figcaption>Output <span data-part="output-shape"></span></figcaption><canvas data-part="output" data-testid="matrix-output" role="img" aria-label="the output of the convolution"></canvas></figure>
      </div>
      <p class="mx-counts" data-part="counts" data-testid="matrix-counts"></p>
      <figure class="mx-fig mx-wide" data-part="matrix-wrap"><figcaption>M <span data-part="m-shape"></span>: one row per output, one column per input pixel; M · x = output.
        Hover a row (or an output cell) to light its window; hover an input pixel for its column.</figcaption>
        <div class="mx-scroll"><canvas data-part="matrix" data-testid="matrix-m" role="img" aria-label="the matrix M, each entry coloured by the kernel weight it holds"></canvas></div></figure>
    </div>
  </div>
</section>`;

const FFT = `
<section class="panel mx-section" data-part="fft-section" data-testid="fft-section" aria-labelledby="mx-fft-title">
  <h2 id="mx-fft-title">The same convolution through the FFT: multiply the spectra, invert</h2>
  <p class="hint">True convolution (the kernel flipped), as the convolution theorem states it: DFT(f * g) = DFT(f) · DFT(g).</p>
  <div class="mx-fft-controls">
    <label>Signal f <input type="text" data-part="fft-signal" data-testid="fft-signal" inputmode="decimal" spellcheck="false"></label>
    <label>Kernel g <input type="text" data-part="fft-kernel" data-testid="fft-kernel" inputmode="decimal" spellcheck="false"></label>
    <label class="mx-check"><input type="checkbox" data-part="fft-zero-pad" data-testid="fft-zero-pad"> Zero-pad both to n + k − 1</label>
    <label class="mx-check"><input type="checkbox" data-part="fft-phase" data-testid="fft-phase"> Show phase</label>
  </div>
  <p class="error" data-part="fft-error" data-testid="fft-error" role="alert" hidden></p>
  <p class="hint"><span data-part="fft-length"></span>; <span data-part="fft-bins"></span>.</p>
  <div class="mx-bars">
    ${fig("fft-f", "Signal f")}${fig("fft-g", "Kernel g")}<div></div>
    ${fig("fft-fmag", "|DFT(f)|, magnitude")}${fig("fft-gmag", "|DFT(g)|")}${fig("fft-pmag", "|DFT(f) · DFT(g)|, pointwise")}
    ${fig("fft-fphase", "phase of DFT(f), −π..π")}${fig("fft-gphase", "phase of DFT(g)")}${fig("fft-pphase", "phase of the product: the sum")}
    ${fig("fft-inverse", "Inverse DFT of the product")}${fig("fft-direct", "Direct f * g: the right answer")}
  </div>
  <p class="mx-verdict" data-part="fft-verdict" data-testid="fft-verdict" aria-live="polite"></p>
  <section class="mx-export" data-part="fft-export" data-testid="fft-export" aria-label="export the FFT view"></section>
  <h3>Which is faster? Measured on this server</h3>
  <p class="hint" data-part="timing-status" data-testid="timing-status">The server times both methods when this chart comes into view.</p>
  <div class="mx-timing" data-part="timing-wrap"><canvas data-part="timing" data-testid="timing-chart" role="img" aria-label="seconds against signal length on log axes, direct and FFT; the summary below gives the numbers"></canvas></div>
  <p class="swatches"><span class="swatch-item"><span class="swatch mx-swatch-direct"></span>direct, points and n·k fit (dashed)</span>
    <span class="swatch-item"><span class="swatch mx-swatch-fft"></span>FFT, points and n·log n fit (dashed)</span></p>
  <p data-part="timing-summary" data-testid="timing-summary"></p>
  <p class="error" data-part="timing-error" role="alert" hidden></p>
</section>`;

const TRANSPOSED = `
<section class="panel mx-section" data-part="t-section" data-testid="transposed-section" aria-labelledby="mx-t-title">
  <h2 id="mx-t-title">Transposed convolution: three readings, one answer</h2>
  <div class="mx-layout">
    <div class="mx-controls">
      <div data-part="t-sliders"></div>
      <p class="error" data-part="t-error" data-testid="t-error" role="alert" hidden></p>
      <div class="pg-speed" data-part="t-speed"></div>
      <div class="transport" role="group" aria-label="painting, one input at a time" data-part="t-transport"></div>
      <section class="mx-export" data-part="t-export" data-testid="export" aria-label="export the transposed convolution"></section>
    </div>
    <div class="mx-figures">
      <p class="formula mx-formula" data-part="t-formula" data-testid="t-formula"></p>
      <div class="mx-row">
        <figure class="mx-fig"><figcaption>Input x <span data-part="t-in-shape"></span> (small grid)</figcaption><div data-part="t-input"></div></figure>
        <figure class="mx-fig"><figcaption>Kernel</figcaption><div data-part="t-kernel"></div></figure>
      </div>
      <div class="mx-readings">
        <article class="mx-reading" tabindex="0"><h3>(a) Mᵀ · x</h3>
          <figure class="mx-fig"><figcaption>Mᵀ <span data-part="t-m-shape"></span>: the matrix of the convolution from the output's shape back to x's, transposed</figcaption><canvas data-part="t-matrix" data-testid="t-matrix" role="img" aria-label="the transposed matrix, darker for larger weights"></canvas></figure>
          <figure class="mx-fig"><figcaption>Output <span data-part="t-out-shape-a"></span></figcaption><div data-part="t-out-a" data-testid="reading-a"></div></figure></article>
        <article class="mx-reading" tabindex="0"><h3>(b) each input paints the kernel</h3>
          <figure class="mx-fig"><figcaption>Input x, painting in order</figcaption><div data-part="t-paint-in"></div></figure>
          <p class="hint" data-part="t-paint-note" data-testid="t-paint-note"></p>
          <figure class="mx-fig"><figcaption>Output <span data-part="t-out-shape-b"></span>, painted so far</figcaption><div data-part="t-out-b" data-testid="reading-b"></div></figure></article>
        <article class="mx-reading" tabindex="0"><h3>(c) insert zeros, slide the flipped kernel</h3>
          <figure class="mx-fig"><figcaption>Zero-inserted input (x's values bold), stride 1</figcaption><div data-part="t-zero" data-testid="t-zero"></div></figure>
          <figure class="mx-fig"><figcaption>Flipped kernel</figcaption><div data-part="t-flipped"></div></figure>
          <figure class="mx-fig"><figcaption>Output <span data-part="t-out-shape-c"></span></figcaption><div data-part="t-out-c" data-testid="reading-c"></div></figure></article>
      </div>
      <p class="mx-verdict is-equal" data-part="t-agree" data-testid="t-agree"></p>
      <figure class="mx-fig"><figcaption>Overlap counts, output <span data-part="t-out-shape-o"></span>: kernel taps landing on each cell</figcaption><div data-part="t-overlap" data-testid="t-overlap"></div></figure>
      <p data-part="t-checker" data-testid="t-checker"></p>
    </div>
  </div>
</section>`;

export const MATRIX_HTML = `<div class="matrix-view" data-testid="matrix-view">${MATRIX}${FFT}${TRANSPOSED}</div>`;
