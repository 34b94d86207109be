import { describe, expect, it } from 'vitest';
import { SilenceWatch } from '../../web/src/silence.js';

// The page's heartbeat (web/src/api.ts): 10-second ticks, lost after 25 s of silence.
const TICK = 10_000;
const SILENCE = 25_000;

describe('the meeting connection’s silence watch', () => {
  it('takes a connection as lost after 25 s without a word, and never while messages come', () => {
    const watch = new SilenceWatch(0, SILENCE, TICK);
    expect(watch.tick(10_000)).toBe(false);
    watch.hear(12_000);
    expect(watch.tick(20_000)).toBe(false);
    expect(watch.tick(30_000)).toBe(false);
    expect(watch.tick(40_000)).toBe(true);
  });

  it('does not count a stall of the page itself as silence: its queued messages get their turn first', () => {
    const watch = new SilenceWatch(0, SILENCE, TICK);
    watch.hear(9_000);
    // Frozen from 9 s to 50 s: the tick due at 20 s runs at 50 s, ahead of the messages that came meanwhile.
    expect(watch.tick(10_000)).toBe(false);
    expect(watch.tick(50_000)).toBe(false);
    watch.hear(50_010);
    expect(watch.tick(60_000)).toBe(false);
  });

  it('still finds a connection that is really gone after a stall, at the next tick', () => {
    const watch = new SilenceWatch(0, SILENCE, TICK);
    expect(watch.tick(10_000)).toBe(false);
    // Asleep from 10 s to 300 s, and nothing ever comes again: 10 s heard nothing before, the stall counts as one
    // tick, and 10 s awake after it make 30 s.
    expect(watch.tick(300_000)).toBe(false);
    expect(watch.tick(310_000)).toBe(true);
  });
});
