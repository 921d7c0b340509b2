// The training page's explained step (POST /api/training/step) as JSDoc types (see types.js for the
// rule): one typedef per record, named as its Python TypedDict (convscope.lessons.backprop), same keys.
// Types only: this module exports nothing at run time.

/**
 * One layer of the step: the range of what it computed and the size of the gradient that reached it.
 * @typedef {object} LayerGradient
 * @property {string} name @property {string} kind @property {number[]} shape  its output's
 * @property {number} output_min @property {number} output_max
 * @property {number} grad_norm  length of dL/d(output) @property {number} grad_max  largest |dL/d(output)|
 */

/**
 * One weight's gradient as the chain rule sums it, and its update.
 * @typedef {object} WeightStep
 * @property {string} layer @property {number[]} index  fc [out, in]; conv [out, in, row, col]
 * @property {number} value @property {number} grad  from the engine's backward pass
 * @property {number} terms  products summed @property {number} sum_of_terms  the same sum, recomputed
 * @property {number} upstream  dL/dz of the largest product @property {number} input  what it multiplies
 * @property {number[]} at  where that product is @property {number} lr @property {number} new_value
 */

/**
 * POST /api/training/step's answer (StepExplanation).
 * @typedef {object} StepExplanation
 * @property {number} digit @property {number} index @property {number} label @property {number} seed
 * @property {number[][]} image  32x32
 * @property {number[]} logits @property {number[]} probabilities @property {number} loss
 * @property {number[]} grad_logits  probabilities - one_hot(label)
 * @property {LayerGradient[]} layers  forward order, without the softmax
 * @property {WeightStep[]} weights  the last fc layer's, then the first convolution's
 */

/**
 * How a drawing compares with the digits the network learnt from (DrawingCheck).
 * @typedef {object} DrawingCheck
 * @property {number} extent  the ink's larger side over the pad's
 * @property {number} distance  to the nearest training digit @property {number} usual_distance  99th percentile
 * @property {string | null} warning
 */

/** @typedef {{digit?: number, index?: number, seed?: number, lr?: number}} StepRequest  POST /api/training/step */

export {};
