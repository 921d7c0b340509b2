// What the training view knows about the job, rebuilt from GET /api/training and extended by each
// event of the stream. Pure functions: a record and an event in, a new record out.

/**
 * @typedef {import("../../types-training.js").TrainingStatus} TrainingStatus
 * @typedef {import("../../types-training.js").TrainingEvent} TrainingEvent
 * @typedef {import("../../types-training.js").ProgressEvent} ProgressEvent
 * @typedef {import("../../types-training.js").EndEvent} EndEvent
 * @typedef {import("../../types-training.js").TrainingRequest | import("../../types-training.js").RecipeSettings} JobSettings
 * @typedef {{state: TrainingStatus["state"], job: string | null, config: JobSettings | null,
 *   progress: ProgressEvent[], epochs: ProgressEvent[], last: TrainingEvent | null,
 *   filters: number[][][] | null, ending: EndEvent | null}} TrainingRecord
 * `progress` and `epochs` are the events of those types, in order; `ending` the done/stopped/error event.
 */

/** @returns {TrainingRecord} */
export function emptyRecord() {
  return { state: "idle", job: null, config: null, progress: [], epochs: [], last: null, filters: null, ending: null };
}

/** A progress or epoch event. @param {TrainingEvent | null | undefined} e @returns {e is ProgressEvent} */
export const isProgress = (e) => e?.type === "progress" || e?.type === "epoch";

/** A job's final event. @param {TrainingEvent | null | undefined} e @returns {e is EndEvent} */
export const isEnd = (e) => e?.type === "done" || e?.type === "stopped" || e?.type === "error";

/**
 * The record a (re)loaded page starts from.
 * @param {TrainingStatus} status  GET /api/training's answer
 * @returns {TrainingRecord}
 */
export function fromStatus(status) {
  const last = status.last ?? null;
  const ended = isEnd(last) ? last : null;
  const withFilters = [...(status.epochs ?? []), ...(isProgress(last) && last.conv1_filters ? [last] : [])];
  return {
    state: status.state, job: status.job, config: status.config, progress: status.progress ?? [],
    epochs: status.epochs ?? [], last, filters: withFilters.at(-1)?.conv1_filters ?? null, ending: ended,
  };
}

/**
 * Add one streamed event. The stream replays a job from its event 0, so that one starts the record again
 * (keeping the job's id and settings); an event already seen is ignored.
 * @param {TrainingRecord} record @param {TrainingEvent} event
 * @returns {TrainingRecord}
 */
export function applyEvent(record, event) {
  /** @type {TrainingRecord} */
  const base = event.id === 0 ? { ...emptyRecord(), state: "running", job: record.job, config: record.config } : record;
  const seen = base.last && typeof base.last.id === "number" && typeof event.id === "number" && event.id <= base.last.id;
  if (seen && event.id !== 0) return record;
  /** @type {TrainingRecord} */
  const next = { ...base, last: event, filters: (isProgress(event) && event.conv1_filters) || base.filters };
  if (event.type === "progress") return { ...next, state: "running", progress: [...base.progress, event] };
  if (event.type === "epoch") return { ...next, state: "running", epochs: [...base.epochs, event] };
  if (isEnd(event)) return { ...next, state: event.type, ending: event };
  return record;
}

/**
 * How far through the whole run the latest event is, 0..1 (not through its epoch).
 * @param {ProgressEvent | null | undefined} e
 */
export function runFraction(e) {
  if (!e?.batches || !e.epochs) return 0;
  return ((e.epoch - 1) * e.batches + e.batch) / (e.epochs * e.batches);
}

/**
 * Curves for the charts: x in epochs (fractional within an epoch).
 * @param {TrainingRecord} record
 */
export function curves(record) {
  /** @param {ProgressEvent} e */
  const at = (e) => e.epoch - 1 + e.batch / e.batches;
  /** @param {(e: ProgressEvent) => number | null} value */
  const points = (value) => record.progress.map((e) => /** @type {[number, number]} */ ([at(e), value(e) ?? NaN]));
  return {
    // Raw per-batch numbers (drawn faint) and their batch-size-weighted average (the server's).
    trainLoss: points((e) => e.loss),
    trainAccuracy: points((e) => e.accuracy),
    smoothLoss: points((e) => e.smooth_loss),
    smoothAccuracy: points((e) => e.smooth_accuracy),
    valLoss: record.epochs.map((e) => /** @type {[number, number]} */ ([e.epoch, e.val_loss])),
    valAccuracy: record.epochs.map((e) => /** @type {[number, number]} */ ([e.epoch, e.val_accuracy])),
    epochs: record.config?.epochs ?? (isProgress(record.last) ? record.last.epochs : null) ?? 1,
  };
}
