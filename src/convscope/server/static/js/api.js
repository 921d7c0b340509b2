// The only module that talks to the server. Every call returns parsed JSON of the type the server
// promises (types.js) or throws an Error whose message is the server's own (what to change), so views
// can show it instead of failing silently.

/**
 * @typedef {import("./types.js").ConvolveRequest} ConvolveRequest
 * @typedef {import("./types.js").PlaygroundLesson} PlaygroundLesson
 * @typedef {import("./types.js").DigitLesson} DigitLesson
 * @typedef {import("./types.js").KernelRecord} KernelRecord
 * @typedef {import("./types.js").NetworkInput} NetworkInput
 * @typedef {import("./types.js").UnitRequest} UnitRequest
 * @typedef {import("./types.js").PredictLesson} PredictLesson
 * @typedef {import("./types.js").UnitExplanation} UnitExplanation
 * @typedef {import("./types.js").ModelLesson} ModelLesson
 * @typedef {import("./types-training.js").TrainingRequest} TrainingRequest
 * @typedef {import("./types-training.js").TrainingStarted} TrainingStarted
 * @typedef {import("./types-training.js").TrainingStatus} TrainingStatus
 * @typedef {import("./types-training.js").TrainingEvent} TrainingEvent
 * @typedef {import("./types.js").ErrorResponse} ErrorResponse
 * @typedef {import("./types-layers.js").LayersInputChoice} LayersInputChoice
 * @typedef {import("./types-layers.js").LayersRequest} LayersRequest
 * @typedef {import("./types-layers.js").LayersLesson} LayersLesson
 * @typedef {import("./types-matrix.js").MatrixRequest} MatrixRequest
 * @typedef {import("./types-matrix.js").MatrixLesson} MatrixLesson
 * @typedef {import("./types-matrix.js").FftRequest} FftRequest
 * @typedef {import("./types-matrix.js").FftLesson} FftLesson
 * @typedef {import("./types-matrix.js").TimingLesson} TimingLesson
 * @typedef {import("./types-matrix.js").TransposedRequest} TransposedRequest
 * @typedef {import("./types-matrix.js").TransposedLesson} TransposedLesson
 * @typedef {import("./types-kernels.js").KernelInfoRecord} KernelInfoRecord
 * @typedef {import("./types-kernels.js").PhotoRecord} PhotoRecord
 * @typedef {import("./types-kernels.js").ImageRecord} ImageRecord
 * @typedef {import("./types-kernels.js").KernelResult} KernelResult
 * @typedef {import("./types-kernels.js").Inspection} Inspection
 * @typedef {import("./types-kernels.js").Picture} Picture
 * @typedef {import("./types-kernels.js").KernelQuery} KernelQuery
 * @typedef {import("./types-signals.js").DistributionRecord} DistributionRecord
 * @typedef {import("./types-signals.js").BallDropRequest} BallDropRequest
 * @typedef {import("./types-signals.js").BallDropLesson} BallDropLesson
 * @typedef {import("./types-signals.js").SlideRequest} SlideRequest
 * @typedef {import("./types-signals.js").SlideLesson} SlideLesson
 * @typedef {import("./types-signals.js").DropSlideRequest} DropSlideRequest
 * @typedef {import("./types-signals.js").DropImpulseRequest} DropImpulseRequest
 * @typedef {import("./types-signals.js").DropImpulse} DropImpulse
 * @typedef {import("./types-signals.js").LawsRequest} LawsRequest
 * @typedef {import("./types-signals.js").LawsLesson} LawsLesson
 * @typedef {import("./types-signals.js").SoundRecord} SoundRecord
 * @typedef {import("./types-signals.js").ImpulsePreset} ImpulsePreset
 * @typedef {import("./types-signals.js").EchoRequest} EchoRequest
 * @typedef {import("./types-signals.js").EchoLesson} EchoLesson
 * @typedef {import("./types-signals.js").UploadImpulse} UploadImpulse
 */

/**
 * The answer as type T: the server's response models promise its shape, so it is not checked again here.
 * @template T
 * @param {string} url
 * @param {RequestInit} [init]
 * @returns {Promise<T>}
 */
async function requestJson(url, init) {
  const response = await fetch(url, init);
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    // convscope's errors carry `message`: one line naming the field and what is allowed.
    const error = /** @type {Partial<ErrorResponse> | null} */ (body);
    const detail = error?.message ?? error?.detail;
    const text = typeof detail === "string" ? detail : JSON.stringify(detail ?? response.statusText);
    throw new Error(`${response.status}: ${text}`);
  }
  return /** @type {T} */ (body);
}

/**
 * @template T
 * @param {string} url @param {unknown} body
 * @returns {Promise<T>}
 */
function postJson(url, body) {
  return requestJson(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
}

/**
 * A file the server answers (an export), with the name it suggests; a refusal throws as requestJson does.
 * @param {string} url @param {unknown} body
 * @returns {Promise<{blob: Blob, filename: string}>}
 */
async function postFile(url, body) {
  const response = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  if (!response.ok) {
    const error = /** @type {Partial<ErrorResponse> | null} */ (await response.json().catch(() => null));
    throw new Error(`${response.status}: ${error?.message ?? response.statusText}`);
  }
  const named = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "");
  return { blob: await response.blob(), filename: named ? named[1] : "convscope-export" };
}

/**
 * The image kernels routes' answers: a body (PNG or RGBA bytes) and its record in a JSON header.
 * @template T
 * @param {string} url @param {RequestInit} init @param {string} header
 * @returns {Promise<{body: Blob, record: T}>}
 */
async function requestPicture(url, init, header) {
  const response = await fetch(url, init);
  if (!response.ok) {
    const error = /** @type {Partial<ErrorResponse> | null} */ (await response.json().catch(() => null));
    throw new Error(`${response.status}: ${error?.message ?? response.statusText}`);
  }
  return { body: await response.blob(), record: /** @type {T} */ (JSON.parse(response.headers.get(header) ?? "null")) };
}

/**
 * The Content-Type an upload travels as: its own when it is one of the four formats, else PNG, so the
 * server (which reads the bytes, not the name) says what the file really is.
 * @param {Blob} file
 */
function uploadType(file) {
  return ["image/png", "image/jpeg", "image/webp", "image/gif"].includes(file.type) ? file.type : "image/png";
}

/**
 * A picture as the raw body the image kernels routes take, its size in the query.
 * @param {Picture} picture @param {KernelQuery} query
 * @returns {[string, RequestInit]}
 */
function rawPicture(picture, query) {
  const params = new URLSearchParams({ ...query, width: String(picture.width), height: String(picture.height) });
  const body = new Blob([/** @type {Uint8ClampedArray<ArrayBuffer>} */ (picture.rgba)]);
  const init = { method: "POST", headers: { "Content-Type": "application/octet-stream" }, body };
  return [params.toString(), init];
}

/**
 * Create the API client. `base` is the URL prefix of the API (default "/api").
 * @param {string} [base]
 */
export function createApi(base = "/api") {
  return {
    /** @param {number} number @param {number} index @returns {Promise<DigitLesson>} */
    digit: (number, index) => requestJson(`${base}/digits/${number}?index=${index}`),
    /** @returns {Promise<KernelRecord[]>} */
    kernels: () => requestJson(`${base}/kernels`),
    /** @param {ConvolveRequest} request @returns {Promise<PlaygroundLesson>} */
    convolve: (request) => postJson(`${base}/convolve`, request),
    /** @param {NetworkInput} request @returns {Promise<PredictLesson>} */
    predict: (request) => postJson(`${base}/network/predict`, request),
    /** @param {UnitRequest} request @returns {Promise<UnitExplanation>} */
    unit: (request) => postJson(`${base}/network/unit`, request),
    /** @param {"pretrained" | "trained"} [which]  default: the active model @returns {Promise<ModelLesson>} */
    model: (which) => requestJson(`${base}/network/model${which ? `?model=${which}` : ""}`),
    /** @returns {Promise<TrainingStatus>} the job's status and history so far */
    training: () => requestJson(`${base}/training`),
    /** @param {TrainingRequest} settings @returns {Promise<TrainingStarted>} */
    startTraining: (settings) => postJson(`${base}/training`, settings),
    /** @returns {Promise<TrainingStatus>} */
    stopTraining: () => postJson(`${base}/training/stop`, {}),
    /** @returns {Promise<TrainingStatus>} */
    useTrained: () => postJson(`${base}/training/use`, {}),
    /** @param {"pretrained" | "trained"} model  the network view's model from now on @returns {Promise<TrainingStatus>} */
    useModel: (model) => postJson(`${base}/training/use`, { model }),
    /**
     * One backpropagation step explained (POST /api/training/step).
     * @param {import("./types-training.js").StepRequest} request
     * @returns {Promise<import("./types-training.js").StepExplanation>}
     */
    explainStep: (request) => postJson(`${base}/training/step`, request),
    // Exports (components/export.js): a figure, an animation, a script or the input it loads.
    /**
     * @param {string} view  e.g. "playground" @param {import("./types.js").ExportKind} kind
     * @param {Record<string, unknown>} request  the view's request (plus fps and frames for an animation)
     * @returns {Promise<{blob: Blob, filename: string}>}
     */
    exportFile: (view, kind, request) => postFile(`${base}/export/${view}/${kind}`, request),
    /** The trained weights' address, for a download link (the browser fetches it). */
    weightsUrl: () => `${base}/training/weights`,
    // ---- image kernels ---------------------------------------------------------------------------
    /** @returns {Promise<KernelInfoRecord[]>} */
    imageKernels: () => requestJson(`${base}/image-kernels/kernels`),
    /** @returns {Promise<PhotoRecord[]>} */
    photos: () => requestJson(`${base}/image-kernels/photos`),
    /** @param {string} name @returns {Promise<{body: Blob, record: ImageRecord}>} a bundled photo as PNG */
    photo: (name) => requestPicture(`${base}/image-kernels/photos/${encodeURIComponent(name)}.png`, {}, "X-Convscope-Image"),
    /** @param {Blob} file  PNG, JPEG, WebP or GIF @returns {Promise<{body: Blob, record: ImageRecord}>} upright, <= 512 px, PNG */
    uploadImage: (file) => requestPicture(`${base}/image-kernels/image`,
      { method: "POST", headers: { "Content-Type": uploadType(file) }, body: file }, "X-Convscope-Image"),
    /** @param {Picture} picture @param {KernelQuery} query @returns {Promise<{body: Blob, record: KernelResult}>} RGBA bytes */
    applyKernel: (picture, query) => {
      const [params, init] = rawPicture(picture, query);
      return requestPicture(`${base}/image-kernels/apply?${params}`, init, "X-Convscope-Result");
    },
    /** @param {Picture} picture @param {KernelQuery} query @returns {Promise<{body: Blob, record: KernelResult}>} a PNG */
    applyKernelPng: (picture, query) => {
      const [params, init] = rawPicture(picture, query);
      return requestPicture(`${base}/image-kernels/apply.png?${params}`, init, "X-Convscope-Result");
    },
    /** @param {Picture} picture @param {KernelQuery} query @param {number} x @param {number} y @returns {Promise<Inspection>} */
    inspectPixel: (picture, query, x, y) => {
      const [params, init] = rawPicture(picture, { ...query, x: String(x), y: String(y) });
      return requestJson(`${base}/image-kernels/inspect?${params}`, init);
    },
    /**
     * Follow the training job's event stream; returns a function that closes it.
     * @param {(event: TrainingEvent) => void} onEvent  each event
     * @param {(open: boolean) => void} onConnection  whether the stream is connected
     * @returns {() => void}
     */
    trainingEvents: (onEvent, onConnection) => {
      const source = new EventSource(`${base}/training/events`);
      source.onmessage = (message) => onEvent(/** @type {TrainingEvent} */ (JSON.parse(message.data)));
      source.onopen = () => onConnection(true);
      source.onerror = () => onConnection(false);
      return () => source.close();
    },
    // ---- the Layers page
    /** @returns {Promise<LayersInputChoice[]>} */
    layersInputs: () => requestJson(`${base}/layers/inputs`),
    /** @param {LayersRequest} request @returns {Promise<LayersLesson>} */
    layers: (request) => postJson(`${base}/layers`, request),
    // ---- Matrix & FFT ----
    /** @param {MatrixRequest} request @returns {Promise<MatrixLesson>} */
    convolutionMatrix: (request) => postJson(`${base}/matrix/matrix`, request),
    /** @param {FftRequest} request @returns {Promise<FftLesson>} */
    fft: (request) => postJson(`${base}/matrix/fft`, request),
    /** Measured once per server process (a few seconds the first time). @returns {Promise<TimingLesson>} */
    fftTiming: () => requestJson(`${base}/matrix/timing`),
    /** @param {TransposedRequest} request @returns {Promise<TransposedLesson>} */
    transposed: (request) => postJson(`${base}/matrix/transposed`, request),
    // ---- the signals page -------------------------------------------------------------------------
    /** @returns {Promise<DistributionRecord[]>} */
    distributions: () => requestJson(`${base}/signals/distributions`),
    /** @param {BallDropRequest} request @returns {Promise<BallDropLesson>} */
    ballDrop: (request) => postJson(`${base}/signals/ball-drop`, request),
    /** @param {SlideRequest} request @returns {Promise<SlideLesson>} */
    slide: (request) => postJson(`${base}/signals/slide`, request),
    /** The ball drop's own f and g slid on whole steps. @param {DropSlideRequest} request @returns {Promise<SlideLesson>} */
    slideDrops: (request) => postJson(`${base}/signals/slide-drops`, request),
    /** The ball drop's g (or f * g) as spikes. @param {DropImpulseRequest} request @returns {Promise<DropImpulse>} */
    dropImpulse: (request) => postJson(`${base}/signals/drop-impulse`, request),
    /** @param {LawsRequest} request @returns {Promise<LawsLesson>} */
    laws: (request) => postJson(`${base}/signals/laws`, request),
    /** @returns {Promise<SoundRecord[]>} */
    sounds: () => requestJson(`${base}/signals/sounds`),
    /** @returns {Promise<ImpulsePreset[]>} */
    impulses: () => requestJson(`${base}/signals/impulses`),
    /** @param {EchoRequest} request @returns {Promise<EchoLesson>} */
    echo: (request) => postJson(`${base}/signals/echo`, request),
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
      return requestJson(`${base}/signals/echo/upload?${query}`, { method: "POST", headers: { "Content-Type": "audio/wav" }, body: wav });
    },
    /** A bundled sound's WAV file, to play. @param {string} name @returns {Promise<ArrayBuffer>} */
    soundWav: async (name) => {
      const response = await fetch(`${base}/signals/sounds/${encodeURIComponent(name)}.wav`);
      if (!response.ok) {
        const error = /** @type {Partial<ErrorResponse> | null} */ (await response.json().catch(() => null));
        throw new Error(`${response.status}: ${error?.message ?? response.statusText}`);
      }
      return response.arrayBuffer();
    },
  };
}

/** @typedef {ReturnType<typeof createApi>} Api */
