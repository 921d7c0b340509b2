// Colours, sizes and limits the page draws with, in one place (CNN Explainer keeps a small config.js
// the same way). CSS has its own copies of the colours it needs as custom properties in css/app.css
// (--accent, --window, ...): keep the two in step.

/** Named colours for canvas drawing. */
export const COLORS = Object.freeze({
  /** The selection, the keyboard probe, the training curve, the primary button. */
  accent: "#0b5fff",
  accentFill: "rgba(11, 95, 255, 0.22)",
  /** The sliding window, a receptive field's box, held-out curves. */
  window: "#e8590c",
  windowFill: "rgba(232, 89, 12, 0.28)",
  windowTint: "rgba(232, 89, 12, 0.16)",
  windowGuide: "rgba(232, 89, 12, 0.7)",
  /** The window an output cell under the pointer reads. */
  hover: "#c2185b",
  hoverFill: "rgba(194, 24, 91, 0.25)",
  padding: "#f6e7c8",
  paddingHatch: "#b8924a",
  dropped: "rgba(200, 30, 30, 0.45)",
  droppedEdge: "#b71c1c",
  /** Lines between grid cells, and the fainter ones on the drawing pad. */
  cellLines: "rgba(0, 0, 0, 0.12)",
  padLines: "rgba(0, 0, 0, 0.08)",
  /** An output cell not computed yet. */
  notYet: "#dfe3e8",
  /** A missing value (padding) in a feature map, as RGB. */
  missing: Object.freeze([217, 221, 227]),
  text: "#3d3d3d",
  axis: "#8a8f98",
  gridline: "#e3e6ea",
  bars: "#3d4a5c",
  darkText: "#111",
  lightText: "#fff",
});

/** Sizes in CSS pixels. */
export const SIZES = Object.freeze({
  /** Largest cell of the playground's input and output grids. */
  inputCell: 40,
  outputCell: 48,
  /** Side of one feature map in the network view, at most: 3 px a unit for conv1's 28x28. */
  mapSide: 84,
  /** Side of the zoomed map in the unit panel: 7 px a unit for conv1, easy to click. */
  zoomSide: 196,
  /** The unit panel's input picture with the receptive field on it. */
  fieldSide: 192,
  /** Each picture of the preprocessing strip. */
  stageSide: 84,
  /** A conv1 filter in the training view. */
  filterSide: 60,
  /** Height of the training charts, and their least width. */
  chartHeight: 220,
  chartMinWidth: 240,
});

/** The drawing pads: the playground's 20x20 sketch and the network's 280 px pad (sent at 140x140). */
export const PADS = Object.freeze({
  sketch: Object.freeze({ cells: 20, cellPx: 9, reach: 2, keyReach: 0, levels: 63, lines: true }),
  network: Object.freeze({ cells: 140, cellPx: 2, reach: 6.5, keyReach: 5, levels: 100, keyStep: 7 }),
});

/** Slider ranges in the playground: what the controls offer (the API accepts more). */
export const LIMITS = Object.freeze({
  digit: [0, 9], index: [0, 5000], size: [1, 7], padding: [0, 10], stride: [1, 8], dilation: [1, 5],
  speed: [0, 7], inputSize: [5, 28],
});

/** Steps per second for each speed level; the last one is "instant". */
export const SPEEDS = Object.freeze([1, 2, 5, 10, 20, 50, 100, Infinity]);

/** Milliseconds within which asks to the server are merged into one (about a frame). */
export const ASK_DELAY_MS = 16;
