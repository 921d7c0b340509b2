// What the training view knows about the job, rebuilt from GET /api/training and extended by each
// event of the stream. Pure functions: a record and an event in, a new record out.

/**
 * @typedef {{state: string, job: string | null, config: any, progress: any[], epochs: any[], last: any,
 *   filters: number[][][] | null, ending: any}} TrainingRecord
 * `progress` and `epochs` are the events of those types, in order; `ending` the done/stopped/error event.
 */

/** @returns {TrainingRecord} */
export function emptyRecord() {
  return { state: "idle", job: null, config: null, progress: [], epochs: [], last: null, filters: null, ending: null };
}

/**
 * The record a (re)loaded page starts from.
 * @param {any} status  GET /api/training's answer
 * @returns {TrainingRecord}
 */
export function fromStatus(status) {
  const last = status.last ?? null;
  const ended = ["done", "stopped", "error"].includes(last?.type) ? last : null;
  const withFilters = [...(status.epochs ?? []), ...(last?.conv1_filters ? [last] : [])];
  return {
    state: status.state, job: status.job, config: status.config, progress: status.progress ?? [],
    epochs: status.epochs ?? [], last, filters: withFilters.at(-1)?.conv1_filters ?? null, ending: ended,
  };
}

/**
 * Add one streamed event. The stream replays a job from its event 0, so that one starts the record again
 * (keeping the job's id and settings); an event already seen is ignored.
 * @param {TrainingRecord} record @param {any} event
 * @returns {TrainingRecord}
 */
export function applyEvent(record, event) {
  const base = event.id === 0 ? { ...emptyRecord(), state: "running", job: record.job, config: record.config } : record;
  const seen = base.last && typeof base.last.id === "number" && typeof event.id === "number" && event.id <= base.last.id;
  if (seen && event.id !== 0) return record;
  const next = { ...base, last: event, filters: event.conv1_filters ?? base.filters };
  if (event.type === "progress") return { ...next, state: "running", progress: [...base.progress, event] };
  if (event.type === "epoch") return { ...next, state: "running", epochs: [...base.epochs, event] };
  if (["done", "stopped", "error"].includes(event.type)) return { ...next, state: event.type, ending: event };
  return record;
}

/**
 * Curves for the charts: x in epochs (fractional within an epoch).
 * @param {TrainingRecord} record
 */
export function curves(record) {
  /** @param {any} e */
  const at = (e) => e.epoch - 1 + e.batch / e.batches;
  return {
    trainLoss: record.progress.map((e) => /** @type {[number, number]} */ ([at(e), e.loss])),
    trainAccuracy: record.progress.map((e) => /** @type {[number, number]} */ ([at(e), e.accuracy])),
    valLoss: record.epochs.map((e) => /** @type {[number, number]} */ ([e.epoch, e.val_loss])),
    valAccuracy: record.epochs.map((e) => /** @type {[number, number]} */ ([e.epoch, e.val_accuracy])),
    epochs: record.config?.epochs ?? record.last?.epochs ?? 1,
  };
}
