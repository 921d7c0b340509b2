// The Layers page's JSON contract (see types.js for the rule): one JSDoc type per record the server
// sends, named as its Python TypedDict (convscope.lessons.layers_records), same keys.
// Types only: this module exports nothing at run time.

/** @typedef {import("./types.js").Explanation} Explanation */
/** @typedef {"relu" | "leaky_relu" | "tanh" | "sigmoid"} ActivationName */
/** @typedef {"max" | "avg" | "sum" | "l2"} PoolKind */

// ---- GET /api/layers/inputs ---------------------------------------------------------------------

/** @typedef {{name: string, label: string, description: string, channels: number, size: number[]}} LayersInputChoice */

// ---- POST /api/layers ---------------------------------------------------------------------------

/**
 * What the page asks for (convscope.server.schemas.layers.LayersRequest); every field may be left out.
 * @typedef {object} LayersRequest
 * @property {string} [input] @property {number} [digit] @property {number} [index]
 * @property {number} [filters] @property {number} [kernel_size] @property {number} [stride]
 * @property {number} [padding] @property {"named" | "random"} [init] @property {number} [seed]
 * @property {number[] | null} [unit]  [filter, row, col]
 * @property {ActivationName} [activation] @property {number} [negative_slope]
 * @property {number} [pool_kernel_size] @property {number} [pool_stride] @property {number} [pool_padding]
 */

/**
 * The input volume: C slices of H x W in [0, 1].
 * @typedef {object} LayersInput
 * @property {string} name @property {string} label
 * @property {string[]} channel_names @property {number[][][]} slices
 */

/**
 * One filter: a k x k slice per input channel, and a bias.
 * @typedef {object} LayersFilter
 * @property {number} index @property {string} label @property {number[][][]} slices @property {number} bias
 */

/**
 * One channel's part of a unit: patch x slice, summed.
 * @typedef {object} DepthTerm
 * @property {string} channel @property {number[][]} patch @property {number[][]} weights
 * @property {number[][]} products @property {number} sum
 */

/**
 * One output unit: the dot product across depth, plus the bias.
 * @typedef {object} DepthUnit
 * @property {number} filter @property {number} row @property {number} col
 * @property {number[]} top_left  [row, col] in padded-input coordinates
 * @property {boolean[][]} padding @property {DepthTerm[]} terms
 * @property {number} bias @property {number} total @property {number} value
 */

/** @typedef {{x: number[], y: number[], slope: number[]}} ActivationCurve */

/**
 * @typedef {object} ActivationView
 * @property {ActivationName} name @property {string} label @property {string} formula
 * @property {number} negative_slope @property {number[][]} before @property {number[][]} after
 * @property {ActivationCurve} curve
 */

/**
 * @typedef {object} PoolingWindow
 * @property {number[]} out @property {number[][]} positions  map coordinates (outside it: padding)
 * @property {boolean[]} padding @property {number[]} values
 */

/**
 * @typedef {object} PoolingKind
 * @property {PoolKind} kind @property {string} label @property {string} rule
 * @property {number[][]} output @property {number[][]} shares  per window, the gradient each position gets
 * @property {number[][]} gradient  backward of ones, at the map
 */

/**
 * @typedef {object} PoolingLesson
 * @property {number} kernel_size @property {number} stride @property {number} padding
 * @property {Explanation} explanation @property {PoolingWindow[]} windows @property {PoolingKind[]} kinds
 */

/**
 * POST /api/layers's answer.
 * @typedef {object} LayersLesson
 * @property {LayersInput} input @property {"named" | "random"} init @property {number} seed
 * @property {LayersFilter[]} filters @property {Explanation} explanation
 * @property {number[]} output_shape @property {number[][][]} output @property {number[]} output_range
 * @property {DepthUnit} unit @property {ActivationView} activation @property {PoolingLesson} pooling
 */

export {};
