// The Signals page's calls, built on api.js's transport (the only module that calls fetch).

/**
 * @typedef {import("../types-signals.js").DistributionRecord} DistributionRecord
 * @typedef {import("../types-signals.js").BallDropRequest} BallDropRequest
 * @typedef {import("../types-signals.js").BallDropLesson} BallDropLesson
 * @typedef {import("../types-signals.js").SlideRequest} SlideRequest
 * @typedef {import("../types-signals.js").SlideLesson} SlideLesson
 * @typedef {import("../types-signals.js").DropSlideRequest} DropSlideRequest
 * @typedef {import("../types-signals.js").DropImpulseRequest} DropImpulseRequest
 * @typedef {import("../types-signals.js").DropImpulse} DropImpulse
 * @typedef {import("../types-signals.js").LawsRequest} LawsRequest
 * @typedef {import("../types-signals.js").LawsLesson} LawsLesson
 * @typedef {import("../types-signals.js").SoundRecord} SoundRecord
 * @typedef {import("../types-signals.js").ImpulsePreset} ImpulsePreset
 * @typedef {import("../types-signals.js").EchoRequest} EchoRequest
 * @typedef {import("../types-signals.js").EchoLesson} EchoLesson
 * @typedef {import("../types-signals.js").UploadImpulse} UploadImpulse
 */

/** @param {import("../api.js").Transport} t */
export function signalsApi(t) {
  const base = t.base;
  return {
    // ---- the signals page -------------------------------------------------------------------------
    /** @returns {Promise<DistributionRecord[]>} */
    distributions: () => t.requestJson(`${base}/signals/distributions`),
    /** @param {BallDropRequest} request @returns {Promise<BallDropLesson>} */
    ballDrop: (request) => t.postJson(`${base}/signals/ball-drop`, request),
    /** @param {SlideRequest} request @returns {Promise<SlideLesson>} */
    slide: (request) => t.postJson(`${base}/signals/slide`, request),
    /** The ball drop's own f and g slid on whole steps. @param {DropSlideRequest} request @returns {Promise<SlideLesson>} */
    slideDrops: (request) => t.postJson(`${base}/signals/slide-drops`, request),
    /** The ball drop's g (or f * g) as spikes. @param {DropImpulseRequest} request @returns {Promise<DropImpulse>} */
    dropImpulse: (request) => t.postJson(`${base}/signals/drop-impulse`, request),
    /** @param {LawsRequest} request @returns {Promise<LawsLesson>} */
    laws: (request) => t.postJson(`${base}/signals/laws`, request),
    /** @returns {Promise<SoundRecord[]>} */
    sounds: () => t.requestJson(`${base}/signals/sounds`),
    /** @returns {Promise<ImpulsePreset[]>} */
    impulses: () => t.requestJson(`${base}/signals/impulses`),
    /** @param {EchoRequest} request @returns {Promise<EchoLesson>} */
    echo: (request) => t.postJson(`${base}/signals/echo`, request),
    /**
     * The reader's WAV convolved with an impulse response: the file is the raw body (audio/wav), the
     * impulse response travels in the URL (`?preset=echo` or `?delay=0&gain=1&delay=0.3&gain=0.5`).
     * @param {Blob} wav @param {UploadImpulse} impulse @returns {Promise<EchoLesson>}
     */
    echoUpload: (wav, impulse) => {
      const query = new URLSearchParams();
      if (impulse.preset) query.set("preset", impulse.preset);
      for (const [delay, gain] of impulse.taps ?? []) { query.append("delay", String(delay)); query.append("gain", String(gain)); }
      if (impulse.columns) query.set("columns", String(impulse.columns));
      return t.requestJson(`${base}/signals/echo/upload?${query}`, { method: "POST", headers: { "Content-Type": "audio/wav" }, body: wav });
    },
    /** A bundled sound's WAV file, to play. @param {string} name @returns {Promise<ArrayBuffer>} */
    soundWav: (name) => t.requestBytes(`${base}/signals/sounds/${encodeURIComponent(name)}.wav`),
  };
}
