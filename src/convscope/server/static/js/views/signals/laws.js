// The one-click demonstrations: both sides of a law drawn over each other (solid and dashed, so equal
// curves show as one) and the largest difference between them printed as a number.

import { drawFrame, drawLine, extent } from "./axes.js";
import { legend } from "./slide-draw.js";

/** @typedef {import("../../types-signals.js").LawCheck} LawCheck */

const SIDES = Object.freeze({
  commutative: { left: "f * g", right: "g * f (f and g swapped)",
    explain: "Swapping f and g changes which signal is flipped and slid, not the result: the sum over a + b = c does not care which drop came first." },
  associative: { left: "(f * g) * h", right: "f * (g * h)",
    explain: "Three drops in a row (h is a box): convolving the first two and then the third gives the same as the first with the last two combined." },
});

/**
 * Render one law into `el`: its sentence, both sides plotted, and the difference.
 * @param {HTMLElement} el @param {"commutative" | "associative"} which @param {LawCheck} check @param {number} width
 */
export function renderLaw(el, which, check, width) {
  const sides = SIDES[which];
  el.replaceChildren();
  el.dataset.law = which;
  const title = document.createElement("h3");
  title.textContent = which === "commutative" ? `Commutativity: ${check.law}` : `Associativity: ${check.law}`;
  const explain = document.createElement("p");
  explain.className = "explain";
  explain.textContent = sides.explain;
  const canvas = document.createElement("canvas");
  canvas.dataset.testid = `law-${which}`;
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", `${sides.left} and ${sides.right} drawn over each other against t`);
  const numbers = document.createElement("p");
  numbers.className = "sig-law-numbers";
  numbers.dataset.testid = `law-${which}-numbers`;
  numbers.dataset.difference = String(check.max_difference);
  const relative = check.peak > 0 ? check.max_difference / check.peak : 0;
  numbers.textContent = `Largest difference between ${sides.left} and ${sides.right}: ` +
    `${check.max_difference.toExponential(2)} (peak ${check.peak.toFixed(4)}; ${relative.toExponential(1)} of it: rounding, not a difference).`;
  el.append(title, explain, canvas, numbers);
  const plot = drawFrame(canvas, { width, height: 150, xRange: [check.t[0], check.t[check.t.length - 1]],
    yRange: extent(check.left, check.right), xLabel: "t" });
  drawLine(plot, check.t, check.left, { color: "#0b5fff", width: 4 });
  drawLine(plot, check.t, check.right, { color: "#e8590c", dashed: true });
  legend(plot.ctx, plot.box.left + 8, plot.box.top + 4, [["#0b5fff", sides.left], ["#e8590c", sides.right]]);
}
