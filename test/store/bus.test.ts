import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SignalAssembler, signalParts, type Signal } from '../../src/store/bus.js';

const signal = (size: number): Signal => ({
  meetingId: 7,
  to: 'b',
  from: 'a',
  message: { type: 'signal', data: { blob: randomBytes(size).toString('base64') } },
});

describe('signals in NOTIFY payloads', () => {
  it('cuts a large signal into parts under 8000 bytes and puts them together again', () => {
    const large = signal(30_000);
    const parts = signalParts(large);
    expect(parts.length).toBeGreaterThan(4);
    for (const part of parts) expect(Buffer.byteLength(part)).toBeLessThan(8000);
    const assembler = new SignalAssembler();
    expect(parts.slice(0, -1).map((p) => assembler.add(p))).toEqual(parts.slice(0, -1).map(() => undefined));
    expect(assembler.add(parts.at(-1)!)).toEqual(large);
    assembler.clear();
  });

  it('keeps interleaved signals apart and ignores what is not a part', () => {
    const [one, two] = [signal(12_000), signal(9_000)];
    const [p1, p2] = [signalParts(one), signalParts(two)];
    const assembler = new SignalAssembler();
    const got = [p1[0]!, p2[0]!, ...p2.slice(1), ...p1.slice(1)].map((p) => assembler.add(p)).filter(Boolean);
    expect(got).toEqual([two, one]);
    expect(assembler.add('garbage')).toBeUndefined();
    expect(assembler.add('x 5 2 abc')).toBeUndefined();
    assembler.clear();
  });
});
