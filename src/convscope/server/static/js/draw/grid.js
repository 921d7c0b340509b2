// Pure helpers for drawing a matrix of cells on a 2-D canvas context. They read arguments and draw;
// they keep nothing between calls.

/** @typedef {[number, number]} Cell  [row, column] */

/**
 * Size a canvas for crisp drawing on high-density screens; returns its context scaled to CSS pixels.
 * @param {HTMLCanvasElement} canvas @param {number} width @param {number} height
 */
export function prepareCanvas(canvas, width, height) {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return ctx;
}

/**
 * The largest whole-pixel cell that fits `rows x cols` cells into `maxWidth`, capped at `maxCell`.
 * @param {number} rows @param {number} cols @param {number} maxWidth @param {number} maxCell
 */
export function cellSize(rows, cols, maxWidth, maxCell) {
  return Math.max(2, Math.min(maxCell, Math.floor(maxWidth / Math.max(rows, cols, 1))));
}

/**
 * The cell under a point in CSS pixels, or null outside the grid.
 * @param {number} x @param {number} y @param {number} cell @param {number} rows @param {number} cols
 * @returns {Cell | null}
 */
export function cellAt(x, y, cell, rows, cols) {
  const r = Math.floor(y / cell);
  const c = Math.floor(x / cell);
  return r >= 0 && r < rows && c >= 0 && c < cols ? [r, c] : null;
}

/**
 * Fill every cell with `fill(r, c)`; a null colour leaves the cell blank.
 * @param {CanvasRenderingContext2D} ctx @param {number} rows @param {number} cols @param {number} cell
 * @param {(r: number, c: number) => string | null} fill
 */
export function fillCells(ctx, rows, cols, cell, fill) {
  for (let r = 0; r < rows; r += 1) {
    for (let c = 0; c < cols; c += 1) {
      const color = fill(r, c);
      if (color === null) continue;
      ctx.fillStyle = color;
      ctx.fillRect(c * cell, r * cell, cell, cell);
    }
  }
}

/**
 * Diagonal hatching over one cell: marks padding (zeros that are not pixels).
 * @param {CanvasRenderingContext2D} ctx @param {number} r @param {number} c @param {number} cell
 * @param {string} color
 */
export function hatchCell(ctx, r, c, cell, color) {
  const [x, y] = [c * cell, r * cell];
  ctx.save();
  ctx.beginPath();
  ctx.rect(x, y, cell, cell);
  ctx.clip();
  ctx.strokeStyle = color;
  ctx.lineWidth = Math.max(1, cell / 10);
  const gap = Math.max(4, cell / 3);
  ctx.beginPath();
  for (let d = -cell; d < cell; d += gap) {
    ctx.moveTo(x + d, y + cell);
    ctx.lineTo(x + d + cell, y);
  }
  ctx.stroke();
  ctx.restore();
}

/**
 * Thin lines between cells.
 * @param {CanvasRenderingContext2D} ctx @param {number} rows @param {number} cols @param {number} cell
 * @param {string} color
 */
export function gridLines(ctx, rows, cols, cell, color) {
  ctx.strokeStyle = color;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let r = 0; r <= rows; r += 1) {
    ctx.moveTo(0, r * cell + 0.5);
    ctx.lineTo(cols * cell, r * cell + 0.5);
  }
  for (let c = 0; c <= cols; c += 1) {
    ctx.moveTo(c * cell + 0.5, 0);
    ctx.lineTo(c * cell + 0.5, rows * cell);
  }
  ctx.stroke();
}

/**
 * Outline cells; `fill` (optional) tints them first.
 * @param {CanvasRenderingContext2D} ctx @param {Cell[]} cells @param {number} cell
 * @param {{stroke: string, width: number, fill?: string}} style
 */
export function outlineCells(ctx, cells, cell, style) {
  ctx.lineWidth = style.width;
  for (const [r, c] of cells) {
    if (style.fill) {
      ctx.fillStyle = style.fill;
      ctx.fillRect(c * cell, r * cell, cell, cell);
    }
    ctx.strokeStyle = style.stroke;
    const inset = style.width / 2;
    ctx.strokeRect(c * cell + inset, r * cell + inset, cell - style.width, cell - style.width);
  }
}

/**
 * Outline the rectangle spanning cells (r0, c0)..(r1, c1) inclusive.
 * @param {CanvasRenderingContext2D} ctx @param {number[]} box  [r0, c0, r1, c1]
 * @param {number} cell @param {string} color @param {number} width
 */
export function outlineBox(ctx, [r0, c0, r1, c1], cell, color, width) {
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  const inset = width / 2;
  ctx.strokeRect(c0 * cell + inset, r0 * cell + inset, (c1 - c0 + 1) * cell - width, (r1 - r0 + 1) * cell - width);
}

/**
 * Centred text in a cell.
 * @param {CanvasRenderingContext2D} ctx @param {number} r @param {number} c @param {number} cell
 * @param {string} text @param {string} color
 */
export function cellText(ctx, r, c, cell, text, color) {
  ctx.fillStyle = color;
  ctx.font = `${Math.max(9, Math.floor(cell * 0.32))}px system-ui, sans-serif`;
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  ctx.fillText(text, c * cell + cell / 2, r * cell + cell / 2, cell - 2);
}

/**
 * The bounding box [r0, c0, r1, c1] of a list of cells.
 * @param {Cell[]} cells
 */
export function boundingBox(cells) {
  const rows = cells.map(([r]) => r);
  const cols = cells.map(([, c]) => c);
  return [Math.min(...rows), Math.min(...cols), Math.max(...rows), Math.max(...cols)];
}
