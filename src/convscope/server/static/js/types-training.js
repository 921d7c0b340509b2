// The training page's records as JSDoc types (see types.js for the rule): the job (POST /api/training,
// its status and event stream) and the explained step (POST /api/training/step); one typedef per record,
// named as its Python TypedDict (convscope.lessons.training, training_job, backprop), same keys.
// Types only: this module exports nothing at run time.

// ---- live training: POST /api/training, GET /api/training, its event stream ---------------------

/**
 * The settings a training job runs with: the request with every default filled in.
 * @typedef {object} RecipeSettings
 * @property {number} conv1_channels @property {number} conv2_channels @property {number} kernel_size
 * @property {number} lr @property {number} batch_size @property {number} epochs @property {string} optimizer
 * @property {string} loss @property {number} augment @property {number} seed @property {number} train_size
 */

/**
 * POST /api/training's body (TrainingRequest); every field has a default on the server.
 * @typedef {object} TrainingRequest
 * @property {number} [conv1_channels] @property {number} [conv2_channels] @property {3 | 5} [kernel_size]
 * @property {number} [lr] @property {number} [batch_size] @property {number} [epochs]
 * @property {"sgd" | "adam"} [optimizer] @property {"cross_entropy" | "half_squared_error"} [loss]
 * @property {number} [augment] @property {number} [seed] @property {number} [train_size]
 * @property {number | null} [steps_per_second]  slow mode; null or absent: full speed
 */

/** @typedef {{job: string}} TrainingStarted  the job was started (202) */

/**
 * After every few batches ("progress") and every epoch ("epoch"); numbers that were not finite are null.
 * @typedef {object} ProgressEvent
 * @property {"progress" | "epoch"} type @property {number} id  0, 1, 2, ... within the job
 * @property {number} epoch  1-based @property {number} epochs
 * @property {number} batch  1-based @property {number} batches
 * @property {number} images  digits in the batch @property {number} loss @property {number} accuracy
 * @property {number | null} smooth_loss @property {number | null} smooth_accuracy  batch-size-weighted EMA
 * @property {number} images_per_second @property {number} lr
 * @property {number | null} val_loss @property {number | null} val_accuracy  "epoch" only
 * @property {number[][][]} [conv1_filters]  every epoch, and every few batches
 */

/**
 * The job's last event.
 * @typedef {object} EndEvent
 * @property {"done" | "stopped" | "error"} type @property {number} id
 * @property {number | null} accuracy  held-out accuracy of the final weights
 * @property {number} [seconds]  done @property {string} [reason]  stopped @property {string} [message]  error
 */

/** @typedef {ProgressEvent | EndEvent} TrainingEvent  one message of GET /api/training/events */

/**
 * Where training stands, with its history (TrainingStatus).
 * @typedef {object} TrainingStatus
 * @property {"idle" | "running" | "done" | "stopped" | "error"} state
 * @property {string | null} job
 * @property {"pretrained" | "trained"} active_model
 * @property {RecipeSettings | null} config  the job's settings
 * @property {number | null} steps_per_second  slow mode, or null
 * @property {ProgressEvent[]} progress  without filters
 * @property {ProgressEvent[]} epochs
 * @property {TrainingEvent | null} last  filters included
 */

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
