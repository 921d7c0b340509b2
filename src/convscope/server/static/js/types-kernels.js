// The image kernels page's JSON contract (see types.js for the rule): one JSDoc type per record the
// server sends, named as its Python TypedDict (convscope.lessons.image_kernels, .kernel_inspector).
// Types only: this module exports nothing at run time.

// ---- menus: GET /api/image-kernels/kernels and /photos -------------------------------------------

/**
 * One kernel of the menu, with its weights at every size it comes in.
 * @typedef {object} KernelInfoRecord
 * @property {string} name @property {string} label @property {string} description
 * @property {number[]} sizes
 * @property {number[][][]} weights  one (size, size) grid per entry of `sizes`
 * @property {boolean} signed  whether it can give negative values
 */

/** @typedef {{name: string, title: string, credit: string, licence: string}} PhotoRecord */

// ---- pictures: the X-Convscope-Image and X-Convscope-Result headers --------------------------------

/**
 * What decoding an image did (ImageRecord).
 * @typedef {object} ImageRecord
 * @property {number} width @property {number} height
 * @property {number} original_width @property {number} original_height
 * @property {string} format @property {number} orientation @property {boolean} resized
 * @property {string} note  one sentence, or ""
 */

/**
 * How values became colours: `stops` spread evenly from `low` to `high` (ScaleRecord).
 * @typedef {object} ScaleRecord
 * @property {string} kind  "clamped", "signed" or "magnitude"
 * @property {number} low @property {number} high
 * @property {number[][]} stops  [r, g, b] colours
 * @property {number} below @property {number} above  shares clipped under low / over high
 */

/**
 * What comes with a filtered picture (KernelResult).
 * @typedef {object} KernelResult
 * @property {string} view @property {number} width @property {number} height @property {string} channels
 * @property {number[][]} weights  as applied (normalised if asked)
 * @property {number[][] | null} combined  the composition's one kernel
 * @property {number} minimum @property {number} maximum
 * @property {ScaleRecord} scale @property {string[]} notes
 */

// ---- the inspector: POST /api/image-kernels/inspect ----------------------------------------------

/**
 * @typedef {object} ChannelProducts
 * @property {string} channel  "R", "G", "B" or "Y"
 * @property {number[][]} patch @property {number[][]} products @property {number} sum
 */

/** @typedef {{label: string, weights: number[][], channels: ChannelProducts[]}} InspectTerm */

/**
 * One output pixel taken apart (Inspection).
 * @typedef {object} Inspection
 * @property {number} x @property {number} y @property {number} top @property {number} left
 * @property {boolean[][]} outside  true where the patch lies in the padding
 * @property {InspectTerm[]} terms
 * @property {number[]} values  per channel
 * @property {string} formula @property {string[]} notes
 */

/**
 * A picture the server keeps: later requests name it by `picture` instead of sending its pixels.
 * @typedef {object} PictureRecord
 * @property {string} picture  its id (32 hex digits of its SHA-256)
 * @property {number} width @property {number} height
 */

// ---- what the page sends ------------------------------------------------------------------------

/**
 * The picture the page holds: RGBA bytes, row by row, as the server takes them back.
 * @typedef {object} Picture
 * @property {Uint8ClampedArray} rgba @property {number} width @property {number} height
 */

/** @typedef {Record<string, string>} KernelQuery  the URL settings of apply/inspect (see the schema) */

export {};
