// Sliders: native range inputs with a label, their value beside them (as the slider's aria-valuetext
// too) and one sentence on what each does. The view says which settings; this module draws them.

/**
 * @typedef {object} SliderSpec
 * @property {string} key  the state's field; the input's data-testid
 * @property {string} label
 * @property {string} hint  one sentence on what it does
 * @property {readonly number[]} range  [min, max], whole steps
 * @property {(v: number) => string} format  the value as shown
 */

/**
 * @param {HTMLElement} el  where the sliders go
 * @param {SliderSpec[]} specs  in order
 * @param {{idPrefix: string, onChange: (patch: Record<string, number>) => void}} hooks
 * @returns {{update: (state: object) => void}}  update: show a state holding every slider's key
 */
export function createSliders(el, specs, { idPrefix, onChange }) {
  const rows = specs.map((spec) => {
    const { row, input, value } = sliderRow(spec, `${idPrefix}-${spec.key}`);
    input.addEventListener("input", () => {
      const v = Number(input.value);
      show(input, value, spec.format(v));
      onChange({ [spec.key]: v });
    });
    el.append(row);
    return { spec, input, value };
  });

  return {
    update(state) {
      const values = /** @type {Record<string, unknown>} */ (state);
      for (const { spec, input, value } of rows) {
        const v = Number(values[spec.key]);
        if (input.ownerDocument.activeElement !== input || input.value !== String(v)) input.value = String(v);
        show(input, value, spec.format(v));
      }
    },
  };
}

/** @param {HTMLInputElement} input @param {HTMLOutputElement} value @param {string} text */
function show(input, value, text) {
  value.textContent = text;
  input.setAttribute("aria-valuetext", text);
}

/** One labelled slider. @param {SliderSpec} spec @param {string} id */
function sliderRow({ key, label, hint, range }, id) {
  const row = document.createElement("div");
  row.className = "setting";
  const head = document.createElement("label");
  head.htmlFor = id;
  head.className = "setting-label";
  const value = document.createElement("output");
  value.htmlFor.add(id);
  value.dataset.testid = `${key}-value`;
  head.append(label, value);
  const input = document.createElement("input");
  Object.assign(input, { type: "range", id, min: String(range[0]), max: String(range[1]), step: "1" });
  input.dataset.testid = key;
  input.setAttribute("aria-describedby", `${id}-hint`);
  const help = document.createElement("p");
  help.className = "hint";
  help.id = `${id}-hint`;
  help.textContent = hint;
  row.append(head, input, help);
  return { row, input, value };
}
