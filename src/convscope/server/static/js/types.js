// The JSON contract as the page sees it: one JSDoc type per payload the server sends and per request
// body the page sends. Each answer's type has the name of the Python record it mirrors (the TypedDicts
// of convscope.records and convscope.lessons), with the same keys: tests/server/test_contract_js.py
// holds the two sides together, and `tsc --noEmit` (checkJs, see tsconfig.json) checks every use here.
// Types only: this module exports nothing at run time.

// ---- the playground: GET /api/digits/{number}, GET /api/kernels, POST /api/convolve -------------

/**
 * One MNIST digit (DigitLesson).
 * @typedef {object} DigitLesson
 * @property {number} number  the class, 0..9
 * @property {number} index  which example of that class
 * @property {number} count  how many examples of that class there are
 * @property {number[][]} image  the digit's 20x20 box, in [0, 1]
 * @property {number[][]} original  the full 28x28 image, in [0, 1]
 */

/**
 * One named kernel of the catalogue (KernelRecord).
 * @typedef {object} KernelRecord
 * @property {string} name  the value to send as `kernel`
 * @property {string} label
 * @property {string} description
 * @property {number[]} sizes  the kernel_size values it supports
 * @property {boolean} diverging  weights of both signs
 */

/**
 * POST /api/convolve's body: an image (yours, or an MNIST digit) and one kernel with the settings.
 * @typedef {object} ConvolveRequest
 * @property {number[][]} [image] @property {number} [digit] @property {number} [index]
 * @property {number} [input_size]  with `digit`: the input's side, 5..28
 * @property {string} [example]  a textbook's small input by name ("frame7", "binary5")
 * @property {string | number[][]} kernel  a name from GET /api/kernels, or the weights
 * @property {number} [kernel_size] @property {number} padding @property {number} stride
 * @property {number} dilation
 */

/**
 * What an export route answers: a figure, an animation, a script, or your image as the script loads it.
 * @typedef {"png" | "gif" | "apng" | "numpy" | "torch" | "npy"} ExportKind
 */

/**
 * The size arithmetic along one axis (AxisExplanation).
 * @typedef {object} AxisExplanation
 * @property {"height" | "width"} axis
 * @property {number} input @property {number} kernel @property {number} effective_kernel
 * @property {number} padding @property {number} stride @property {number} dilation
 * @property {number} numerator  input + 2*padding - effective_kernel
 * @property {number} exact_output  before flooring
 * @property {number | null} output  null when the kernel does not fit
 * @property {boolean} fits @property {boolean} divisible
 * @property {string} formula  e.g. "O = (20 - 3 + 2×0)/2 + 1 = 9.5"
 * @property {number[]} dropped  padded-coordinate indices no window covers
 */

/**
 * A nearby valid setting (Suggestion); each field is [height, width].
 * @typedef {object} Suggestion
 * @property {number[]} kernel_size @property {number[]} padding @property {number[]} stride
 * @property {number[]} dilation @property {number[]} output_size
 * @property {string[]} changes  e.g. ["padding 0 → 1"]
 * @property {number} cost  smaller first
 */

/**
 * Why a setting is (in)valid (Explanation); size fields are [height, width].
 * @typedef {object} Explanation
 * @property {boolean} valid @property {boolean} fits @property {boolean} divisible
 * @property {number[]} input_size @property {number[]} kernel_size @property {number[]} padding
 * @property {number[]} stride @property {number[]} dilation @property {number[]} effective_kernel_size
 * @property {number[] | null} output_size
 * @property {string} formula
 * @property {AxisExplanation[]} axes  [height, width]
 * @property {string[]} reasons  [] when valid
 * @property {Suggestion[]} suggestions  [] when valid
 * @property {string} summary
 */

/**
 * One window of the sliding kernel, in row-major order (TraceStep): convscope.trace_convolution's record,
 * derived on the page from a PlaygroundLesson by views/playground/trace.js.
 * @typedef {object} TraceStep
 * @property {[number, number]} out  the output cell it computes
 * @property {[number, number][]} positions  its input positions, padded coordinates
 * @property {boolean[]} padding  true where that position is padding
 * @property {number[]} values @property {number[]} products  kernel row-major
 * @property {number} sum  output[row][col]
 */

/**
 * The convolution and its arithmetic (PlaygroundLesson); each window is derived from it (trace.js).
 * @typedef {object} PlaygroundLesson
 * @property {number[][]} input @property {number[][]} padded @property {number[][]} kernel
 * @property {string | null} kernel_name
 * @property {boolean} diverging  a diverging colour scale is advised
 * @property {number[][]} output  [] when the kernel does not fit
 * @property {number[] | null} output_size
 * @property {[number, number] | null} output_range
 * @property {boolean} valid
 * @property {Explanation} explanation
 */

// ---- the network explorer: POST /api/network/predict and /unit, GET /api/network/model ----------

/**
 * Which image the network reads (NetworkInput): a drawing or an MNIST digit.
 * @typedef {object} NetworkInput
 * @property {number[][]} [image] @property {number} [digit] @property {number} [index]
 * @property {number} [input_size]  with `digit`: the input's side, 5..28
 * @property {string} [example]  a textbook's small input by name ("frame7", "binary5")
 * @property {"pretrained" | "trained"} [model]  default: the active model
 */

/** @typedef {NetworkInput & {layer: string, unit: number[]}} UnitRequest */

/**
 * Every stage from the drawing to LeNet's input (Preprocessing).
 * @typedef {object} Preprocessing
 * @property {number[] | null} box  [top, bottom, left, right) of the ink; null if blank
 * @property {number[][]} cropped @property {number[][]} fitted @property {number[][]} centred
 * @property {number[][]} padded  32x32: the network's input
 */


/**
 * One layer's output for the image (LayerValues).
 * @typedef {object} LayerValues
 * @property {string} name
 * @property {string} kind  "conv", "relu", "pool", "flatten", "fc", "softmax", ...
 * @property {number[]} shape
 * @property {any} values  nested lists of that shape
 */

/**
 * The network's answer (PredictLesson).
 * @typedef {object} PredictLesson
 * @property {boolean} empty  a blank drawing: no prediction
 * @property {string | null} message  why there is no prediction
 * @property {"pretrained" | "trained"} model
 * @property {number | null} prediction
 * @property {import("./types-training.js").DrawingCheck | null} check  unusual drawings warn; null when empty
 * @property {number[]} probabilities  10 of them; [] when empty
 * @property {Preprocessing} preprocessing
 * @property {LayerValues[]} layers  [] when empty
 */

/**
 * One layer's part of a unit's receptive field.
 * @typedef {object} FieldRegion
 * @property {string} layer
 * @property {number[] | null} box  [r0, r1, c0, c1] inclusive, for feature maps
 * @property {number[] | null} channels  [first, last]
 * @property {number[] | null} indices  [first, last], for vectors
 */

/**
 * @typedef {object} ReceptiveField
 * @property {number[]} input  [r0, r1, c0, c1] inclusive in the 32x32 input, clipped
 * @property {number[]} unclipped @property {number[]} size
 * @property {FieldRegion[]} per_layer
 */

/**
 * What every explained unit has (UnitExplanation's common fields).
 * @typedef {object} UnitBase
 * @property {string} layer @property {number[]} unit  [channel, row, col] or [index]
 * @property {number} value @property {string} rule
 * @property {ReceptiveField} receptive_field
 */

/**
 * A weighted sum's numbers: conv (C, kH, kW) lists, fc (F,) lists.
 * @template W
 * @typedef {{weights: W, inputs: W, products: W, dot: number, bias: number, computed: number}} WeightedSum
 */

/** @typedef {UnitBase & {kind: "conv"} & WeightedSum<number[][][]>} ConvUnit */
/** @typedef {UnitBase & {kind: "fc"} & WeightedSum<number[]>} FcUnit */
/**
 * A pooling unit's window: input rows and columns (negative or too large: padding), values (null: padding).
 * @typedef {{rows: number[], cols: number[], values: (number | null)[][]}} PoolWindow
 */
/**
 * @typedef {UnitBase & {kind: "pool", mode: "max" | "avg", winner: [number, number] | null,
 *   average: number | null, window: PoolWindow}} PoolUnit
 */
/** @typedef {UnitBase & {kind: "relu" | "tanh" | "sigmoid", inputs: number[]}} ActivationUnit */
/** @typedef {UnitBase & {kind: "flatten", source: [number, number, number]}} FlattenUnit */
/** @typedef {UnitBase & {kind: "softmax", inputs: number[]}} SoftmaxUnit  inputs: the logits */

/**
 * One unit explained (UnitExplanation): the fields beyond UnitBase depend on the layer's `kind`.
 * @typedef {ConvUnit | FcUnit | PoolUnit | ActivationUnit | FlattenUnit | SoftmaxUnit} UnitExplanation
 */

/**
 * One layer of the active model (LayerSummary).
 * @typedef {{name: string, kind: string, shape: number[], params: number}} LayerSummary
 */

/**
 * The active model (ModelLesson).
 * @typedef {object} ModelLesson
 * @property {"pretrained" | "trained"} source
 * @property {LayerSummary[]} layers
 * @property {number[][][]} conv1_filters  (C, kH, kW)
 * @property {number | null} accuracy  on the 2,000 held-out digits, if known
 */

// ---- every error -----------------------------------------------------------------------------

/**
 * Every 4xx answer (ErrorResponse): `message` is one line naming the field and what is allowed.
 * @typedef {object} ErrorResponse
 * @property {string} message
 * @property {string | object[]} detail  the same as message, or pydantic's list of errors (422)
 */

export {};
