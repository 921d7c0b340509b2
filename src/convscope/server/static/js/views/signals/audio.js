// Playing the echo's sounds exactly: each WAV is decoded by the browser into an AudioBuffer at the
// file's own sample rate (an AudioContext made at that rate, so nothing is resampled) and played
// straight to the speakers. No ConvolverNode: the Web Audio convolver normalises its impulse response,
// and the reader must hear the convolution Python computed, loudness included.

/**
 * The sound player of one view. `onState` hears each change: the context's state, what plays, and the
 * click-to-sound time (ms from the click to the context's clock passing the sound's start).
 * @param {(info: {audio: string, playing: string, latencyMs: number | null}) => void} onState
 */
export function createAudio(onState) {
  /** @type {AudioContext | null} */
  let context = null;
  /** @type {AudioBufferSourceNode | null} */
  let source = null;
  let playing = "";

  /** A context running at `rate` (a new one when the rate changes). @param {number} rate */
  async function contextAt(rate) {
    if (context && context.sampleRate !== rate) {
      await context.close();
      context = null;
    }
    context ??= new AudioContext({ sampleRate: rate, latencyHint: "interactive" });
    if (context.state === "suspended") await context.resume();
    return context;
  }

  function stop() {
    if (source) {
      source.onended = null;
      source.stop();
      source.disconnect();
      source = null;
    }
    playing = "";
  }

  /** Start `buffer` in `ctx` now; report when its clock has passed the start. @param {AudioContext} ctx @param {AudioBuffer} buffer @param {string} name @param {number} clickedAt */
  function start(ctx, buffer, name, clickedAt) {
    stop();
    const node = ctx.createBufferSource();
    node.buffer = buffer;
    node.connect(ctx.destination);
    const startAt = ctx.currentTime;
    node.start(startAt);
    source = node;
    playing = name;
    node.onended = () => { if (source === node) { source = null; playing = ""; onState({ audio: ctx.state, playing, latencyMs: null }); } };
    const watch = () => {
      if (source !== node) return;
      if (ctx.currentTime > startAt) onState({ audio: ctx.state, playing, latencyMs: performance.now() - clickedAt });
      else requestAnimationFrame(watch);
    };
    requestAnimationFrame(watch);
  }

  return {
    /**
     * Decode a WAV and play it from its start (stopping whatever played).
     * @param {ArrayBuffer} wav @param {number} rate  the file's sample rate @param {string} name @param {number} clickedAt  performance.now() of the click
     */
    async playWav(wav, rate, name, clickedAt) {
      const ctx = await contextAt(rate);
      const buffer = await ctx.decodeAudioData(wav.slice(0));
      start(ctx, buffer, name, clickedAt);
    },
    /**
     * Play an impulse response built from its spikes: gain g at sample round(delay · rate), as
     * convscope.signal.impulse_response places them.
     * @param {number[][]} taps  [delay_seconds, gain] @param {number} rate @param {number} clickedAt
     */
    async playTaps(taps, rate, clickedAt) {
      const ctx = await contextAt(rate);
      const length = Math.max(...taps.map(([d]) => Math.round(d * rate))) + 1;
      const buffer = ctx.createBuffer(1, length, rate);
      const data = buffer.getChannelData(0);
      for (const [d, g] of taps) data[Math.round(d * rate)] += g;
      start(ctx, buffer, "impulse", clickedAt);
    },
    stop() {
      stop();
      if (context) onState({ audio: context.state, playing, latencyMs: null });
    },
    close() {
      stop();
      context?.close();
      context = null;
    },
  };
}

/** The bytes of a base64 text (the echo's WAV as the server sends it). @param {string} text */
export function base64Bytes(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
