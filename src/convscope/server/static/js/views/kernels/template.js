// The image kernels view's markup. Parts that code fills are named by data-part; data-testid names what
// tests (and people reading the DOM) look for. Select values are the URL's and the server's names.

const PADDING = ["zeros", "reflect", "replicate", "circular"];
const sizes = Array.from({ length: 15 }, (_, i) => `<option value="${i + 1}">${i + 1}</option>`).join("");

export const KERNELS_HTML = `
<div class="ik">
 <div class="ik-controls">
  <section class="panel ik-source" aria-labelledby="ik-source-title">
    <h2 id="ik-source-title">Picture</h2>
    <label>Photo <select data-part="photo" data-testid="photo"></select></label>
    <label class="ik-file">Your image <input type="file" data-part="file" data-testid="upload"
      accept="image/png,image/jpeg,image/webp,image/gif"></label>
    <div class="ik-camera">
      <button type="button" data-part="camera" data-testid="camera">Webcam…</button>
      <button type="button" data-part="snap" data-testid="snap" hidden>Take snapshot</button>
      <video data-part="video" data-testid="video" muted playsinline hidden></video>
    </div>
    <p class="ik-note" data-part="source-note" data-testid="source-note" aria-live="polite"></p>
    <p class="error" role="alert" data-part="source-error" data-testid="source-error" hidden></p>
  </section>

  <section class="panel ik-kernel" aria-labelledby="ik-kernel-title">
    <h2 id="ik-kernel-title">Kernel</h2>
    <div class="ik-row">
      <label>Kernel <select data-part="kernel" data-testid="kernel"></select></label>
      <label>Size <select data-part="size" data-testid="size"></select></label>
    </div>
    <p class="ik-note" data-part="kernel-note" data-testid="kernel-note"></p>
    <div class="ik-row">
      <label>Rows <select data-part="rows" data-testid="rows">${sizes}</select></label>
      <label>Columns <select data-part="cols" data-testid="cols">${sizes}</select></label>
      <label class="ik-check"><input type="checkbox" data-part="paint" data-testid="paint"> Paint</label>
      <label>Brush <input type="number" step="any" value="1" data-part="brush" data-testid="brush"></label>
    </div>
    <div class="ik-grid" data-part="grid" data-testid="weights" role="group" aria-label="kernel weights"></div>
    <label class="ik-check"><input type="checkbox" data-part="normalise" data-testid="normalise">
      Normalise (divide by the sum)</label>
    <p class="error" role="alert" data-part="kernel-error" data-testid="kernel-error" hidden></p>
  </section>

  <section class="panel ik-settings" aria-labelledby="ik-settings-title">
    <h2 id="ik-settings-title">How</h2>
    <label>Channels <select data-part="channels" data-testid="channels">
      <option value="rgb">each RGB channel alone</option><option value="luminance">luminance (grey)</option>
    </select></label>
    <label>Show <select data-part="display" data-testid="display">
      <option value="clamped">clamped to 0..255</option><option value="signed">signed, 0 in the middle</option>
    </select></label>
    <label>Padding <select data-part="padding" data-testid="padding">
      ${PADDING.map((p) => `<option value="${p}">${p}</option>`).join("")}
    </select></label>
    <label class="ik-check"><input type="checkbox" data-part="flip" data-testid="flip">
      Flip: true convolution (off: cross-correlation)</label>
    <label>Picture <select data-part="view" data-testid="view">
      <option value="result">the kernel's result</option>
      <option value="magnitude">edge magnitude √(Gx²+Gy²), two Sobels</option>
      <option value="border">the border: this padding minus another</option>
    </select></label>
    <fieldset class="ik-compose"><legend>Composition</legend>
      <label>Then apply <select data-part="second" data-testid="second"></select></label>
      <label>Size <select data-part="second-size" data-testid="second-size"></select></label>
    </fieldset>
  </section>

 </div>
 <div class="ik-main">
  <section class="panel ik-pictures" aria-labelledby="ik-pictures-title">
    <h2 id="ik-pictures-title">Input and result <span class="size" data-part="size-note"></span></h2>
    <div class="ik-pair">
      <figure><canvas data-part="input" data-testid="input-canvas" role="img"
        aria-label="the input picture, the inspected pixel's window outlined"></canvas>
        <canvas class="ik-overlay" data-part="overlay" role="img" aria-label="the outline of the inspected window"></canvas><figcaption>input</figcaption></figure>
      <figure><canvas data-part="result" data-testid="result-canvas" tabindex="0"
        aria-label="result: hover or use the arrow keys to inspect a pixel"></canvas>
        <figcaption data-part="result-caption">result</figcaption></figure>
    </div>
    <div class="ik-legend"><canvas data-part="legend" data-testid="legend" width="240" height="14" role="img"
      aria-label="colour scale of the result; the text beside it gives its range"></canvas>
      <span data-part="legend-text" data-testid="legend-text"></span></div>
    <p class="ik-note" data-part="notes" data-testid="notes"></p>
    <div class="ik-compose-pictures" data-part="compose" data-testid="compose" hidden>
      <figure><canvas data-part="twice" data-testid="twice" role="img" aria-label="the picture filtered by the first kernel, then the second"></canvas><figcaption>first, then second</figcaption></figure>
      <figure><canvas data-part="once" data-testid="once" role="img" aria-label="the picture filtered once by the combined kernel"></canvas><figcaption>once, with the combined kernel</figcaption></figure>
      <figure><canvas data-part="difference" data-testid="difference" role="img"
        aria-label="the difference between the two results; the caption gives its size"></canvas>
        <figcaption data-part="difference-caption" data-testid="difference-caption">difference</figcaption></figure>
    </div>
    <div class="ik-actions"><button type="button" data-part="download" data-testid="download">Download PNG</button></div>
    <p class="error" role="alert" data-part="error" data-testid="error" hidden></p>
  </section>

  <section class="panel ik-inspector" aria-labelledby="ik-inspector-title">
    <h2 id="ik-inspector-title">Inspector <span class="size" data-part="inspect-where" data-testid="inspect-where">
      hover the result, or focus it and use the arrow keys</span></h2>
    <div data-part="inspector" data-testid="inspector"></div>
  </section>
  <section class="panel ik-export" data-part="export" data-testid="export" aria-label="export"></section>
 </div>
</div>`;
