// The signals page's JSON contract (see types.js for the rule): one JSDoc type per record the server
// sends, named as its Python TypedDict (convscope.lessons.signals, convscope.lessons.echo), same keys.
// Types only: this module exports nothing at run time.

// ---- the ball dropped twice: GET /api/signals/distributions, POST /api/signals/ball-drop ----------

/** @typedef {{name: string, label: string, description: string, weights: number[]}} DistributionRecord */
/** @typedef {{a: number, b: number, product: number}} BallPair  one way a + b = total, f(a)·g(b) */

/**
 * N simulated two-stage drops (BallDrop).
 * @typedef {object} BallDrop
 * @property {number} balls @property {number} seed
 * @property {number[]} counts  balls per total 0..M+N-2
 * @property {number[]} frequencies  counts / balls
 * @property {number} distance  total-variation distance to f*g
 */

/**
 * POST /api/signals/ball-drop's answer (BallDropLesson).
 * @typedef {object} BallDropLesson
 * @property {number[]} f @property {number[]} g  renormalised distributions
 * @property {number[]} convolution  (f*g)(c) for c = 0..M+N-2
 * @property {number} total @property {BallPair[]} pairs @property {number} probability
 * @property {BallDrop | null} drop  null when no balls were asked for
 */

// ---- flip and slide: POST /api/signals/slide ------------------------------------------------------

/** @typedef {{t: number, shifted: number[], product: number[], area: number}} SlideFrame */

/**
 * POST /api/signals/slide's answer (SlideLesson).
 * @typedef {object} SlideLesson
 * @property {number[]} tau  the grid f and g live on
 * @property {number[]} f @property {number[]} g @property {boolean} flip
 * @property {number[]} t @property {number[]} result  (f*g)(t), or the cross-correlation
 * @property {number} frame_stride  frames[i] is result[i * frame_stride]
 * @property {SlideFrame[]} frames
 * @property {number} repeat  times g was convolved into f before sliding
 * @property {boolean} discrete  true: the ball drop's f and g on whole steps (areas are sums: its f * g)
 */

/**
 * POST /api/signals/drop-impulse's answer: the ball drop's g (or f * g) as spikes (DropImpulse).
 * @typedef {object} DropImpulse
 * @property {string} source  "g" or "f*g"
 * @property {number[]} weights  the renormalised probabilities: spike k's gain
 * @property {number[][]} taps  [delay_seconds, gain] per spike: delay = k x spacing
 */

// ---- the laws: POST /api/signals/laws ---------------------------------------------------------------

/**
 * Both sides of one law on the same t (LawCheck).
 * @typedef {object} LawCheck
 * @property {string} law  e.g. "f * g = g * f"
 * @property {number[]} t @property {number[]} left @property {number[]} right
 * @property {number} max_difference  largest |left - right| @property {number} peak  largest |left|
 */

/** @typedef {{commutative: LawCheck, associative: LawCheck}} LawsLesson */

// ---- the echo: GET /api/signals/sounds, /impulses; POST /api/signals/echo, /echo/upload -----------

/** @typedef {{name: string, sample_rate: number, seconds: number}} SoundRecord */
/** @typedef {{name: string, label: string, description: string, taps: number[][]}} ImpulsePreset */
/** @typedef {{min: number[], max: number[], samples: number, seconds: number}} Envelope */

/**
 * POST /api/signals/echo's and /echo/upload's answer (EchoLesson).
 * @typedef {object} EchoLesson
 * @property {number} sample_rate @property {number} channels
 * @property {number[][]} taps  [delay_seconds, gain] per spike
 * @property {Envelope} input @property {Envelope} impulse @property {Envelope} output
 * @property {number} peak  largest |sample| before writing; above 1 means clipped
 * @property {boolean} clipped
 * @property {string} wav  the output as a base64 16-bit PCM WAV
 */

// ---- what the page sends (the server's request models, convscope.server.schemas.signals) -----------

/** @typedef {{f: number[], g: number[], total?: number, balls?: number | null, seed?: number}} BallDropRequest */
/** @typedef {{f: string | number[], g: string | number[], flip?: boolean, max_frames?: number, repeat?: number}} SlideRequest */
/** @typedef {{f: number[], g: number[], flip?: boolean, max_frames?: number, repeat?: number}} DropSlideRequest */
/** @typedef {{g: number[], f?: number[] | null, spacing?: number}} DropImpulseRequest */
/** @typedef {{f: string | number[], g: string | number[], h?: string | number[]}} LawsRequest */
/** @typedef {{sound: string, preset?: string | null, taps?: number[][] | null, columns?: number}} EchoRequest */
/** The impulse response for an upload, sent in its URL. @typedef {{preset?: string, taps?: number[][], columns?: number}} UploadImpulse */

export {};
