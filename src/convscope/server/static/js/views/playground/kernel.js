// Choosing the kernel: a named one from the server's catalogue, or a custom grid of numbers. The grid
// always shows the weights in use, so editing any number turns the current kernel into a custom one.

/** @typedef {import("../../api.js").KernelRecord} KernelRecord */
/** @typedef {import("./state.js").PlaygroundState} PlaygroundState */

/**
 * @param {HTMLElement} el
 * @param {{onChange: (patch: Partial<PlaygroundState>) => void}} hooks
 * @returns {{update: (state: PlaygroundState, kernels: KernelRecord[], weights: number[][] | null, note: string) => void}}
 */
export function mountKernel(el, { onChange }) {
  el.innerHTML = `
    <label class="setting-label" for="pg-kernel">Kernel</label>
    <select id="pg-kernel" data-testid="kernel" aria-describedby="pg-kernel-hint"></select>
    <p class="hint" id="pg-kernel-hint" data-testid="kernel-hint"></p>
    <table class="kernel-grid" data-testid="kernel-grid" aria-label="kernel weights (editable)"></table>
    <p class="kernel-error" data-testid="kernel-error" role="alert" hidden></p>`;
  const select = /** @type {HTMLSelectElement} */ (el.querySelector("select"));
  const hint = /** @type {HTMLElement} */ (el.querySelector(".hint"));
  const grid = /** @type {HTMLTableElement} */ (el.querySelector("table"));
  /** @type {number[][]} */
  let weights = [];

  select.addEventListener("change", () => {
    if (select.value === "custom") onChange({ kernel: "custom", matrix: weights.map((row) => [...row]) });
    else onChange({ kernel: select.value, matrix: null });
  });
  const error = /** @type {HTMLElement} */ (el.querySelector(".kernel-error"));
  grid.addEventListener("change", (event) => {
    const input = /** @type {HTMLInputElement} */ (event.target);
    const [r, c] = [Number(input.dataset.row), Number(input.dataset.col)];
    const v = Number(input.value);
    const matrix = weights.map((row) => [...row]);
    matrix[r][c] = v;
    // The server's bound (pixels are at most 1): the largest |weight| times the number of taps is finite.
    const flat = matrix.flat();
    const problem = input.value.trim() === "" || !Number.isFinite(v) ? "is not a finite number"
      : !Number.isFinite(Math.max(...flat.map(Math.abs)) * flat.length) ? "would make the sums overflow" : "";
    error.hidden = problem === "";
    if (problem) {
      // No damage: the cell goes back to the weight in use, and the message says what happened.
      error.textContent = `Row ${r + 1}, column ${c + 1}: “${input.value.slice(0, 24)}” ${problem}; ` +
        `the weight stays ${shown(weights[r][c])}.`;
      input.value = shown(weights[r][c]);
      return;
    }
    onChange({ kernel: "custom", matrix });
  });

  /** @param {number[][]} next */
  function drawGrid(next) {
    const same = next.length === weights.length && next.every((row, r) => row.every((v, c) => v === weights[r][c]));
    weights = next.map((row) => [...row]);
    if (same && grid.rows.length === next.length) return;
    grid.replaceChildren();
    grid.classList.toggle("is-large", next.length > 5);
    grid.style.setProperty("--k", String(next[0]?.length ?? 1));
    next.forEach((row, r) => {
      const tr = grid.insertRow();
      row.forEach((v, c) => {
        const input = document.createElement("input");
        Object.assign(input, { type: "number", step: "any", value: shown(v) });
        input.dataset.row = String(r);
        input.dataset.col = String(c);
        input.dataset.testid = `weight-${r}-${c}`;
        input.setAttribute("aria-label", `weight row ${r + 1} column ${c + 1}`);
        tr.insertCell().append(input);
      });
    });
  }

  return {
    update(state, kernels, next, note) {
      if (select.options.length !== kernels.length + 1) {
        select.replaceChildren(
          ...kernels.map((k) => new Option(k.label, k.name)),
          new Option("Custom (your numbers)", "custom"),
        );
      }
      for (const option of select.options) {
        const info = kernels.find((k) => k.name === option.value);
        option.disabled = Boolean(info && !info.sizes.includes(state.size));
        if (info) option.textContent = option.disabled ? `${info.label} (size ${info.sizes.join(", ")} only)` : info.label;
      }
      select.value = state.kernel;
      const info = kernels.find((k) => k.name === state.kernel);
      const about = info ? info.description : "Your own weights: type any number in the grid.";
      hint.textContent = note ? `${note} ${about}` : about;
      if (next) drawGrid(next);
    },
  };
}

/** A weight as the grid shows it: four significant digits (1/9, 1e-7 and 1e300 all stay visible). */
function shown(/** @type {number} */ v) {
  return String(Number(v.toPrecision(4)));
}
