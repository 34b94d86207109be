import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook, WebhookVerificationError } from '../src/index.js';

const secret = 'whsec_test';
const body = JSON.stringify({
  id: '01J00000000000000000000000',
  seq: 42,
  type: 'participant.joined',
  time: '2026-06-01 08:00:00',
  siteSign: 'acme',
  data: {
    confId: 7,
    confNumber: '1234567890',
    uuid: 'u',
    cuid: 'c1',
    participantName: '小明',
    role: 'attendee',
    deviceType: 'pc',
    joinTime: '2026-06-01 08:00:00',
  },
});
const t = 1780300800;
const now = new Date(t * 1000);
/** The signature exactly as docs/webhooks.md defines it, computed here independently of the SDK. */
const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
const header = `t=${t},v1=${v1}`;

function refused(options: Parameters<typeof verifyWebhook>[0], reason: string) {
  expect(() => verifyWebhook(options)).toThrow(WebhookVerificationError);
  expect(() => verifyWebhook(options)).toThrow(reason);
}

describe('verifyWebhook', () => {
  it('accepts a good delivery and returns its event, typed by type', () => {
    const event = verifyWebhook({ body, signatureHeader: header, secret, now });
    expect(event).toMatchObject({ seq: 42, type: 'participant.joined', siteSign: 'acme' });
    if (event.type !== 'participant.joined') throw new Error('unexpected type');
    expect(event.data.participantName).toBe('小明');
    // The raw bytes work as well as the text; the helper signs the same way.
    expect(verifyWebhook({ body: new TextEncoder().encode(body), signatureHeader: header, secret, now }).seq).toBe(42);
    expect(signWebhook({ body, secret, timestamp: t })).toBe(header);
    // Within the tolerance on either side.
    expect(verifyWebhook({ body, signatureHeader: header, secret, now: new Date((t + 299) * 1000) }).id).toBe(
      '01J00000000000000000000000',
    );
    expect(verifyWebhook({ body, signatureHeader: header, secret, now: new Date((t - 299) * 1000) }).id).toBe(
      '01J00000000000000000000000',
    );
  });

  it('refuses a tampered body, a tampered or foreign signature and a re-dated header', () => {
    refused({ body: body.replace('小明', '小红'), signatureHeader: header, secret, now }, 'does not match');
    refused({ body: `${body} `, signatureHeader: header, secret, now }, 'does not match');
    const flipped = `t=${t},v1=${v1.slice(0, -1)}${v1.endsWith('0') ? '1' : '0'}`;
    refused({ body, signatureHeader: flipped, secret, now }, 'does not match');
    refused({ body, signatureHeader: header, secret: 'another-secret', now }, 'does not match');
    refused({ body, signatureHeader: `t=${t + 1},v1=${v1}`, secret, now }, 'does not match');
  });

  it('refuses a stale or future delivery (tolerance 300 s by default, configurable)', () => {
    refused({ body, signatureHeader: header, secret, now: new Date((t + 301) * 1000) }, 'tolerance 300 s');
    refused({ body, signatureHeader: header, secret, now: new Date((t - 301) * 1000) }, 'tolerance 300 s');
    refused(
      { body, signatureHeader: header, secret, now: new Date((t + 61) * 1000), toleranceSeconds: 60 },
      'tolerance 60 s',
    );
  });

  it('refuses a missing or malformed header', () => {
    refused({ body, signatureHeader: undefined, secret, now }, 'missing Huiguan-Signature');
    refused({ body, signatureHeader: `v1=${v1}`, secret, now }, 'no timestamp');
    refused({ body, signatureHeader: `t=${t}`, secret, now }, 'no v1');
    refused({ body, signatureHeader: `t=${t},v1=xyz`, secret, now }, 'no v1');
    refused({ body, signatureHeader: `t=${t},t=${t},v1=${v1}`, secret, now }, 'more than one timestamp');
  });

  it('accepts any of several v1 signatures, and a header given as a list', () => {
    const other = createHmac('sha256', 'old-secret').update(`${t}.${body}`).digest('hex');
    expect(verifyWebhook({ body, signatureHeader: `t=${t},v1=${other},v1=${v1}`, secret, now }).seq).toBe(42);
    expect(verifyWebhook({ body, signatureHeader: [header], secret, now }).seq).toBe(42);
  });

  it('refuses a correctly signed body that is not an event', () => {
    const notJson = 'hello';
    refused(
      { body: notJson, signatureHeader: signWebhook({ body: notJson, secret, timestamp: t }), secret, now },
      'not JSON',
    );
    refused(
      { body: '[1]', signatureHeader: signWebhook({ body: '[1]', secret, timestamp: t }), secret, now },
      'not an event',
    );
  });
});
