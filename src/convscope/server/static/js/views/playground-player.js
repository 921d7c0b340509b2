// The clock behind play/pause: requestAnimationFrame turns elapsed time into whole steps, so the
// animation keeps its pace whatever the frame rate, and "instant" jumps to the end in one frame.

/**
 * @param {{rate: () => number, step: () => number, count: () => number,
 *   setStep: (step: number) => void, onPlaying: (playing: boolean) => void}} hooks
 *   `rate` is steps per second (Infinity for instant); `setStep` redraws.
 */
export function createPlayer(hooks) {
  let frame = 0;
  let last = 0;
  let carry = 0;

  /** @param {number} now */
  function tick(now) {
    const rate = hooks.rate();
    const count = hooks.count();
    // Whole steps owed since the last frame; the fraction carries over so slow speeds stay exact.
    carry += rate === Infinity ? count : ((now - last) / 1000) * rate;
    last = now;
    const whole = Math.floor(carry);
    carry -= whole;
    const next = Math.min(count, hooks.step() + whole);
    if (whole > 0) hooks.setStep(next);
    if (next >= count) stop();
    else frame = requestAnimationFrame(tick);
  }

  function stop() {
    if (!frame) return;
    cancelAnimationFrame(frame);
    frame = 0;
    hooks.onPlaying(false);
  }

  return {
    playing: () => frame !== 0,
    play() {
      if (frame || hooks.count() === 0) return;
      if (hooks.step() >= hooks.count()) hooks.setStep(0);
      last = performance.now();
      // The first step appears at once; waiting a whole period after pressing play feels broken.
      carry = 1;
      frame = requestAnimationFrame(tick);
      hooks.onPlaying(true);
    },
    pause: stop,
  };
}
