// Which network the explorer shows: the shipped (pretrained) LeNet or the one trained in the training
// view, with its held-out accuracy, and a button to switch between them. The server keeps the choice
// (POST /api/training/use), so every tab and the training view agree on it.

/**
 * @param {HTMLElement} label  shows "pretrained model, 98.9% on held-out digits"
 * @param {HTMLButtonElement} button  switches to the other model, hidden when there is none
 * @param {{api: import("../../api.js").Api, onChange: () => void, onError: (err: Error) => void}} hooks
 *   onChange: the active model changed (the view asks for its answers again)
 * @returns {{refresh: () => Promise<void>}}
 */
export function mountModelSwitch(label, button, { api, onChange, onError }) {
  /** @type {"pretrained" | "trained"} */
  let other = "trained";

  async function refresh() {
    try {
      const [model, training] = await Promise.all([api.model(), api.training()]);
      const accuracy = typeof model.accuracy === "number"
        ? `, ${(model.accuracy * 100).toFixed(1)}% on held-out digits` : "";
      label.textContent = `${model.source} model${accuracy}`;
      label.dataset.source = model.source;
      other = model.source === "trained" ? "pretrained" : "trained";
      // A trained model exists once a job has finished or been stopped (a failed one has no usable weights).
      const trainedExists = training.state === "done" || training.state === "stopped";
      button.hidden = other === "trained" && !trainedExists;
      button.textContent = other === "trained" ? "Use the model you trained" : "Back to the pretrained model";
    } catch (err) {
      onError(err instanceof Error ? err : new Error(String(err)));
    }
  }

  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await api.useModel(other);
      await refresh();
      onChange();
    } catch (err) {
      onError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      button.disabled = false;
    }
  });
  return { refresh };
}
