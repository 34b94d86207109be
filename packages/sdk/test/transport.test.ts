import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ApiError, computeToken, HuiguanClient, Transport, TransportError } from '../src/index.js';

interface Sent {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** A fetch that records what it is sent and answers `answer` (JSON unless a string). */
function fakeFetch(answer: unknown = { status: 100, message: 'success' }, init: { status?: number } = {}) {
  const sent: Sent[] = [];
  const fetch = (async (url: string | URL, request?: RequestInit) => {
    sent.push({ url: String(url), headers: request?.headers as Record<string, string>, body: String(request?.body) });
    const text = typeof answer === 'string' ? answer : JSON.stringify(answer);
    return new Response(text, { status: init.status ?? 200, headers: { 'content-type': 'application/json' } });
  }) as typeof globalThis.fetch;
  return { fetch, sent };
}

const NOW = Date.parse('2026-06-01T08:00:00Z');

describe('Transport', () => {
  it('signs with upper(hex(md5("<subject>|<apiKey>|<timeStamp>"))) and sends a form to /openapi/v2/<name>', async () => {
    const { fetch, sent } = fakeFetch();
    const transport = new Transport({
      baseUrl: 'http://h.test/prefix/',
      siteSign: 'acme',
      apiKey: 'KEY',
      fetch,
      now: () => NOW,
    });
    await transport.call({ endpoint: 'getUserByUserId', subject: 'userId', params: { userId: 'u1' } });
    expect(sent[0]!.url).toBe('http://h.test/prefix/openapi/v2/getUserByUserId');
    expect(sent[0]!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(sent[0]!.body);
    const expected = createHash('md5').update(`u1|KEY|${NOW}`).digest('hex').toUpperCase();
    expect(Object.fromEntries(form)).toEqual({
      userId: 'u1',
      siteSign: 'acme',
      timeStamp: String(NOW),
      token: expected,
    });
    expect(computeToken('u1', 'KEY', String(NOW))).toBe(expected);
  });

  it('signs with the endpoint’s subject: confNo for live detail, confNumber for host keys and the media plane', async () => {
    const { fetch, sent } = fakeFetch({ status: 100, message: 'success', data: [] });
    const client = new HuiguanClient({
      baseUrl: 'http://h.test',
      siteSign: 'acme',
      apiKey: 'KEY',
      fetch,
      now: () => NOW,
    });
    await client.live.participants({ confNo: '1234567890' });
    await client.hosts.getHostKey({ confNumber: '1234567891' });
    await client.recordings.list({ confNo: '1234567892' });
    await client.media.sendEvents({
      confNumber: '1234567893',
      events: [{ type: 'session.started', at: new Date(NOW - 1000) }],
    });
    const tokenOf = (s: Sent) =>
      s.headers['content-type'] === 'application/json'
        ? JSON.parse(s.body).token
        : new URLSearchParams(s.body).get('token');
    expect(sent.map(tokenOf)).toEqual([
      computeToken('1234567890', 'KEY', String(NOW)),
      computeToken('1234567891', 'KEY', String(NOW)),
      computeToken('1234567892', 'KEY', String(NOW)),
      computeToken('1234567893', 'KEY', String(NOW)),
    ]);
    expect(sent[3]!.url).toBe('http://h.test/media/v1/events');
    expect(JSON.parse(sent[3]!.body)).toMatchObject({
      confNumber: '1234567893',
      siteSign: 'acme',
      events: [{ type: 'session.started', at: '2026-06-01 07:59:59' }],
    });
  });

  it('never hands out the same timeStamp twice for a subject, even with a clock that stands still', async () => {
    const { fetch, sent } = fakeFetch();
    const transport = new Transport({
      baseUrl: 'http://h.test',
      siteSign: 'acme',
      apiKey: 'KEY',
      fetch,
      now: () => NOW,
    });
    const call = (userId: string) =>
      transport.call({ endpoint: 'getUserByUserId', subject: 'userId', params: { userId } });
    await Promise.all([call('u1'), call('u1'), call('u2'), call('u1')]);
    const stamps = sent
      .map((s) => Object.fromEntries(new URLSearchParams(s.body)))
      .map((p) => `${p.userId}@${p.timeStamp}`);
    expect(stamps).toEqual([`u1@${NOW}`, `u1@${NOW + 1}`, `u2@${NOW}`, `u1@${NOW + 2}`]);
    expect(new Set(sent.map((s) => new URLSearchParams(s.body).get('token'))).size).toBe(4);
  });

  it('goes back to the clock once it has passed the last timeStamp', () => {
    let now = NOW;
    const transport = new Transport({ baseUrl: 'http://h.test', siteSign: 'acme', apiKey: 'KEY', now: () => now });
    expect([transport.nextTimeStamp('u1'), transport.nextTimeStamp('u1')]).toEqual([String(NOW), String(NOW + 1)]);
    now = NOW + 50;
    expect(transport.nextTimeStamp('u1')).toBe(String(NOW + 50));
  });

  it('encodes a Date as GMT text, arrays and objects as JSON text, booleans as words, and leaves out undefined', async () => {
    const { fetch, sent } = fakeFetch();
    const transport = new Transport({
      baseUrl: 'http://h.test',
      siteSign: 'acme',
      apiKey: 'KEY',
      fetch,
      now: () => NOW,
    });
    const questions = [{ field_name: 'org', required: true }];
    await transport.call({
      endpoint: 'x',
      subject: 'userId',
      params: {
        userId: 'u1',
        startTime: new Date('2026-06-01T09:30:15.250Z'),
        questions,
        auto_approve: false,
        confPassword: '',
        phone: undefined,
        n: 5,
      },
    });
    const form = Object.fromEntries(new URLSearchParams(sent[0]!.body));
    expect(form).toMatchObject({
      startTime: '2026-06-01 09:30:15',
      questions: JSON.stringify(questions),
      auto_approve: 'false',
      confPassword: '',
      n: '5',
    });
    expect(form).not.toHaveProperty('phone');
  });

  it('throws ApiError with the document’s code, the message and the endpoint when status is not 100', async () => {
    const { fetch } = fakeFetch({ status: 202, message: '时间冲突 (time conflict)' });
    const client = new HuiguanClient({ baseUrl: 'http://h.test', siteSign: 'acme', apiKey: 'KEY', fetch });
    const err = await client.meetings
      .reserve({ userId: 'u1', userName: 'A', confName: 'M', startTime: new Date(), duration: 30, confParties: 2 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      name: 'ApiError',
      status: 202,
      message: '时间冲突 (time conflict)',
      endpoint: 'confReservation',
    });
  });

  it('throws TransportError for HTTP errors, non-JSON answers, answers without status, network failures and timeouts', async () => {
    const make = (fetch: typeof globalThis.fetch, timeoutMs?: number) =>
      new Transport({
        baseUrl: 'http://h.test',
        siteSign: 'acme',
        apiKey: 'KEY',
        fetch,
        ...(timeoutMs ? { timeoutMs } : {}),
      });
    const call = (t: Transport) =>
      t.call({ endpoint: 'getUserByUserId', subject: 'userId', params: { userId: 'u1' } }).catch((e: unknown) => e);

    const http413 = await call(make(fakeFetch({ status: 109, message: 'body too large' }, { status: 413 }).fetch));
    expect(http413).toBeInstanceOf(TransportError);
    expect(http413).toMatchObject({ httpStatus: 413, status: 109, endpoint: 'getUserByUserId' });

    const html = await call(make(fakeFetch('<html>bad gateway</html>', { status: 502 }).fetch));
    expect(html).toMatchObject({ name: 'TransportError', httpStatus: 502, status: undefined });

    const notJson = await call(make(fakeFetch('ok').fetch));
    expect(notJson).toBeInstanceOf(TransportError);
    expect((notJson as Error).message).toContain('not JSON');

    expect(await call(make(fakeFetch({ hello: 'world' }).fetch))).toBeInstanceOf(TransportError);

    const down = await call(
      make((async () => {
        throw new TypeError('fetch failed');
      }) as typeof fetch),
    );
    expect(down).toBeInstanceOf(TransportError);
    expect((down as TransportError).cause).toBeInstanceOf(TypeError);

    const hanging = (async (_url: string | URL, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)),
      )) as typeof fetch;
    const slow = await call(make(hanging, 50));
    expect(slow).toBeInstanceOf(TransportError);
    expect((slow as Error).message).toContain('no answer within 50 ms');
  });

  it('refuses to sign without the subject', () => {
    const transport = new Transport({ baseUrl: 'http://h.test', siteSign: 'acme', apiKey: 'KEY' });
    expect(() => transport.sign('confNo', { userId: 'u1' })).toThrow('confNo is required');
    expect(() => new Transport({ baseUrl: '', siteSign: 'a', apiKey: 'k' })).toThrow('baseUrl');
  });
});
