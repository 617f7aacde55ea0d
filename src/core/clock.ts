/** Injectable clock so tests can freeze time. */
export interface Clock {
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };

export function fixedClock(atMs: number): Clock & { advance(ms: number): void; set(ms: number): void } {
  let now = atMs;
  return {
    nowMs: () => now,
    advance: (ms) => { now += ms; },
    set: (ms) => { now = ms; },
  };
}
