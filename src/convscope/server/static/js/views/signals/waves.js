// A waveform drawn from its envelope (the lowest and highest sample of each pixel column) with a time
// axis in seconds (starting a little before 0, so a spike at 0 stands clear of the axis). Pure drawing.

import { drawFrame } from "./axes.js";

/**
 * @param {HTMLCanvasElement} canvas @param {import("../../types-signals.js").Envelope} envelope
 * @param {{width: number, seconds: number, color: string, label: string}} spec  seconds: the axis's length,
 *   shared by the three plots so a delay reads as the same distance on each
 */
export function drawWave(canvas, envelope, { width, seconds, color, label }) {
  const top = Math.max(1, ...envelope.max.map(Math.abs), ...envelope.min.map(Math.abs));
  const plot = drawFrame(canvas, { width, height: 110, xRange: [-0.015 * seconds, seconds], yRange: [-top, top], xLabel: label });
  const { ctx, x, y } = plot;
  const n = envelope.max.length;
  ctx.strokeStyle = color;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let i = 0; i < n; i += 1) {
    const t = (i / n) * envelope.seconds;
    const px = Math.round(x(t)) + 0.5;
    ctx.moveTo(px, y(envelope.max[i]));
    ctx.lineTo(px, Math.max(y(envelope.min[i]), y(envelope.max[i]) + 1));
  }
  ctx.stroke();
  return plot;
}
