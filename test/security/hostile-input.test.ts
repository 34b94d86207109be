/**
 * Hostile input, property-based: every endpoint of NOTES.md's index and the extensions receives correctly
 * signed requests (the token is computed over the endpoint's token subject, read from `/openapi.json`) whose
 * other parameters are hostile, in the query string, a form body or a JSON body, on GET and POST.
 *
 * For every answer: no HTTP 5xx; JSON `{status: number, message: non-empty string}`; `status` one of the
 * document's codes (§1.2) and never 103 (but for the two documented "unsupported" answers); no API key in
 * the answer; a success keeps its documented shape; and a refused request (any status but 100) changed no row
 * of any table but `used_tokens`.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { Compile } from 'typebox/compile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { successResponses } from '../../src/api/responses.js';
import { computeToken } from '../../src/domain/token.js';
import type { SiteRow } from '../../src/store/database.js';
import { buildTestApp, dialect, sign, type TestApp } from '../helper.js';
import { changedTables, snapshot, type Snapshot } from './db-snapshot.js';

const NOTES = fs.readFileSync(new URL('../../../shared/spec/NOTES.md', import.meta.url), 'utf8');

/** `/openapi/v2/<name>` of every endpoint of NOTES.md's index (the specification's 33). */
const INDEXED = [...NOTES.matchAll(/^\| [23]\.\d+ \| (\w+) \|/gm)].map((m) => `/openapi/v2/${m[1]!}`);
const EXTENSIONS = [
  '/media/v1/events',
  '/webhooks/v1/createEndpoint',
  '/webhooks/v1/listEndpoints',
  '/webhooks/v1/deleteEndpoint',
  '/webhooks/v1/events',
  '/openapi/v2/updateRegistrantStatus',
];
const PATHS = [...INDEXED, ...EXTENSIONS];

/** The codes of §1.2 as NOTES.md lists them ("100 ok · 101 account … · 709 meeting starting."). */
const DOCUMENT_CODES = (() => {
  const section = NOTES.slice(NOTES.indexOf('## Error codes'));
  const list = section.slice(0, section.indexOf('\n\n', section.indexOf('\n') + 2));
  return [...list.matchAll(/(?:^|· )(\d{3}) /gm)].map((m) => Number(m[1]));
})();

/** Requests per endpoint and database run: 39 endpoints × 12 ≈ 470, plus the upload's. */
const RUNS = Number(process.env.HOSTILE_RUNS ?? 12);
// CI replays a fixed seed (a landing must not hinge on the draw); elsewhere each run explores new input.
// A failure prints its seed: HOSTILE_SEED=<seed> replays it.
const SEED =
  process.env.HOSTILE_SEED !== undefined ? Number(process.env.HOSTILE_SEED) : process.env.CI ? 20261126 : undefined;
const MIN = 60_000;
const gmt = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

// ---------------------------------------------------------------------------------------------------------
// Hostile values

/** A JSON number literal sent verbatim (beyond a double, `-0`, `1.0`, exponents). */
class RawNumber {
  constructor(readonly text: string) {}
}

const SQL = [
  "' OR '1'='1",
  "'; DROP TABLE meetings; --",
  '1; DELETE FROM users',
  '" OR ""="',
  "1' UNION SELECT api_key, site_sign FROM sites --",
  "%' --",
  "\\'; --",
  '1 OR 1=1',
  "' || (SELECT api_key FROM sites LIMIT 1) || '",
  '$1',
  '?',
  ':userId',
  "'); INSERT INTO sites (site_sign) VALUES ('x'); --",
  '1)) OR pg_sleep(1)--',
];
const HTML = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '{{7*7}}',
  '${7*7}',
  '<svg/onload=alert(1)>',
  '</title><script>alert(1)</script>',
  '&lt;&amp;&#0;',
  '<!--',
];
const UNICODE = [
  '😀👨‍👩‍👧‍👦',
  '\u202Eevil\u202C',
  'مرحبا بالعالم',
  'e\u0301\u0301\u0301\u0301',
  'Z̷̢̛̛͎a̸l̴g̶o̵',
  '\uFEFF',
  '\u200B\u200D',
  '\uD800',
  'a\uDC00b',
  '\uDBFF\uDBFF',
  '\uFFFF\uFFFE',
  '\u{10FFFF}',
  '会议😀',
  'İı',
  'ﬃ',
];
const CONTROL = [
  '\u0000',
  'a\u0000b',
  '\r\n',
  '\t',
  '\u0007\u001b[31m',
  '\u007f',
  '\u2028\u2029',
  '\b\f\v',
  '\r\nSet-Cookie: x=1',
];
const NUMBERISH = [
  '-1',
  '0',
  '-0',
  '1.5',
  '1e3',
  'NaN',
  'Infinity',
  '-Infinity',
  '9007199254740993',
  '99999999999999999999',
  '9223372036854775808',
  '1e19',
  '1e309',
  '0x1F',
  '0b11',
  '1_000',
  '１２',
  '٣',
  ' 1',
  '1 ',
  '+1',
  '--1',
  'true',
  'null',
  'undefined',
  '[]',
  '{}',
  '2147483648',
  '-2147483649',
];
const TIMES = [
  '2026-02-30 10:00:00',
  '0000-00-00 00:00:00',
  '9999-12-31 23:59:59',
  '2026-06-01T10:00:00Z',
  '2026-06-01 25:61:61',
  '2026-6-1 1:0:0',
  '1970-01-01',
  '2026-06-01 10:00:00.999',
];

/** Strings an attacker would try, from empty to ~100 KB. */
const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('', ...SQL, ...HTML, ...UNICODE, ...CONTROL, ...NUMBERISH, ...TIMES) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 20 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('A', '😀', '\u0000', '<', "'", '%', 'é'), fc.integer({ min: 200, max: 100_000 }))
      .map(([c, n]) => c.repeat(Math.ceil(n / c.length)).slice(0, n)),
  },
);

/** Numbers as JSON numbers: negative, huge, non-integer, beyond a double. */
const hostileNumber: fc.Arbitrary<number | RawNumber> = fc.oneof(
  fc.integer({ min: -1000, max: 1_000_000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(
    ...[
      '-0',
      '1.0',
      '1e400',
      '-1e400',
      '99999999999999999999',
      '9223372036854775808',
      '1e-400',
      '0.1e1',
      '123456789012345678901234567890',
    ].map((t) => new RawNumber(t)),
  ),
);

const leaf: fc.Arbitrary<unknown> = fc.oneof(hostileText, hostileNumber, fc.boolean(), fc.constant(null));

/** Arrays and objects where scalars belong (and `__proto__` / `constructor` keys). */
const hostileStructure: fc.Arbitrary<unknown> = fc.oneof(
  fc.array(leaf, { maxLength: 4 }),
  fc.dictionary(
    fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString')),
    leaf,
    { maxKeys: 4 },
  ),
  fc.constant(JSON.parse('{"__proto__":{"polluted":true}}')),
  fc.constant({ constructor: { prototype: { polluted: true } } }),
  fc.constant([[[[[[[[[[[]]]]]]]]]]]),
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileText },
  { weight: 2, arbitrary: hostileNumber },
  { weight: 2, arbitrary: hostileStructure },
  { weight: 1, arbitrary: fc.oneof(fc.boolean(), fc.constant(null)) },
);

/** Parameter names an integrator never sends. */
const extraName: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    'a[b]',
    'a.b',
    '',
    ' ',
    'userId ',
    'USERID',
    'sitesign',
    'token[]',
    '\u0000',
    '😀',
    'x'.repeat(5000),
  ),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
);

/** Raw bytes appended to a query string or form body: malformed percent-encoding and empty pairs. */
const GARBAGE = [
  '%ZZ=1',
  'a=%',
  '%=%',
  '=&&=',
  'b=%C0%80',
  'c=%ED%A0%80',
  '%00=%00',
  'd=%FF%FE',
  ';',
  'e=%E4%BC',
  'f',
  '%u0041=1',
  'g=+%2B+',
];

// ---------------------------------------------------------------------------------------------------------
// Endpoints, as the OpenAPI document describes them

interface ParamDoc {
  name: string;
  required: boolean;
  schema: {
    type?: string;
    minimum?: number;
    maximum?: number;
    default?: unknown;
    pattern?: string;
    maxLength?: number;
    anyOf?: { enum?: unknown[]; const?: unknown }[];
  };
}

interface EndpointDoc {
  path: string;
  subject: string;
  params: ParamDoc[];
}

const AUTH = new Set(['token', 'timeStamp', 'siteSign']);

function endpointDoc(doc: any, p: string, fallbackSubject?: string): EndpointDoc {
  const item = doc.paths[p];
  if (!item) throw new Error(`${p} is not in /openapi.json`);
  const get = item.get ?? item.post;
  const subject = item.post?.['x-token-subject'] ?? get['x-token-subject'] ?? fallbackSubject;
  if (!subject) throw new Error(`${p} has no x-token-subject`);
  let params: ParamDoc[] = (get.parameters ?? []).map((x: any) => ({
    name: x.name,
    required: !!x.required,
    schema: x.schema ?? {},
  }));
  if (params.length === 0) {
    const schema = get.requestBody?.content?.['application/x-www-form-urlencoded']?.schema ?? {
      properties: {},
      required: [],
    };
    params = Object.entries(schema.properties as Record<string, ParamDoc['schema']>).map(([name, s]) => ({
      name,
      required: schema.required.includes(name),
      schema: s,
    }));
  }
  return { path: p, subject, params: params.filter((x) => !AUTH.has(x.name)) };
}

// ---------------------------------------------------------------------------------------------------------
// Encoding requests

type Encoding = 'query-get' | 'query-post' | 'form' | 'form-get' | 'json' | 'json-get' | 'mixed-form' | 'mixed-json';

interface Generated {
  encoding: Encoding;
  /** Name/value pairs in order; a name may repeat. */
  entries: [string, unknown][];
  /** Appended raw to the query string or form body. */
  garbage: string | undefined;
}

/** Percent-encodes the UTF-8 of `s` (a lone surrogate becomes U+FFFD, as any client's encoder does). */
function pct(s: string): string {
  return encodeURIComponent(
    s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'),
  );
}

/** A value as form/query text: arrays repeat the name, objects travel as JSON text. */
function formTexts(value: unknown): string[] {
  if (Array.isArray(value))
    return value.length === 0 ? [''] : value.flatMap((v) => (Array.isArray(v) ? [jsonText(v)] : formTexts(v)));
  if (value instanceof RawNumber) return [value.text];
  if (value === null || value === undefined) return [''];
  if (typeof value === 'object') return [jsonText(value)];
  return [String(value)];
}

function formString(entries: [string, unknown][]): string {
  return entries.flatMap(([k, v]) => formTexts(v).map((text) => `${pct(k)}=${pct(text)}`)).join('&');
}

/** JSON text of a value, with `RawNumber`s verbatim and own `__proto__` keys kept. */
function jsonText(value: unknown): string {
  if (value instanceof RawNumber) return value.text;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  return `{${Object.entries(value as object)
    .map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`)
    .join(',')}}`;
}

/** A JSON object of the entries; a repeated name is a repeated key (the parser keeps the last). */
function jsonObject(entries: [string, unknown][]): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`).join(',')}}`;
}

function toInject(p: string, g: Generated): InjectOptions {
  const auth = g.entries.filter(([k]) => AUTH.has(k));
  const rest = g.entries.filter(([k]) => !AUTH.has(k));
  const withGarbage = (s: string) => (g.garbage ? `${s}&${g.garbage}` : s);
  const url = (entries: [string, unknown][]) => `${p}?${withGarbage(formString(entries))}`;
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const json = { 'content-type': 'application/json' };
  switch (g.encoding) {
    case 'query-get':
      return { method: 'GET', url: url(g.entries) };
    case 'query-post':
      return { method: 'POST', url: url(g.entries) };
    case 'form':
      return { method: 'POST', url: p, headers: form, payload: withGarbage(formString(g.entries)) };
    case 'form-get':
      return { method: 'GET', url: p, headers: form, payload: withGarbage(formString(g.entries)) };
    case 'json':
      return {
        method: 'POST',
        url: g.garbage ? `${p}?${g.garbage}` : p,
        headers: json,
        payload: jsonObject(g.entries),
      };
    case 'json-get':
      return { method: 'GET', url: p, headers: json, payload: jsonObject(g.entries) };
    case 'mixed-form':
      return { method: 'POST', url: url(auth), headers: form, payload: formString(rest) };
    case 'mixed-json':
      return { method: 'POST', url: url(auth), headers: json, payload: jsonObject(rest) };
  }
}

/** What the server makes of the subject parameter's value, to sign it (the last occurrence wins in JSON). */
function subjectText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof RawNumber) return String(Number(value.text));
  return '';
}

function describeRequest(req: InjectOptions): string {
  const payload = typeof req.payload === 'string' ? req.payload : '';
  const cut = (s: string) => (s.length > 600 ? `${s.slice(0, 600)}… (${s.length} chars)` : s);
  return `${req.method} ${cut(String(req.url))} ${JSON.stringify(req.headers ?? {})} ${cut(payload)}`;
}

/**
 * The two 103s that mean "unsupported", as docs/decisions.md documents them: a plausible request can ask for
 * them (isTuiliu=1 without streamDiy=1; an upload for a host without enableCloudRecord). Any other 103 fails.
 */
const UNSUPPORTED = ['系统不支持自动推流频道 (isTuiliu=1', '不支持云端录制 ('];

// ---------------------------------------------------------------------------------------------------------

let t: TestApp;
let site: SiteRow;
let doc: any;
let endpoints: Map<string, EndpointDoc>;
/** Plausible values by parameter name, so that hostile requests also reach real objects. */
let pool: Record<string, unknown[]>;
let state: Snapshot;
const tolerated = new Map<string, number>();
const count = (what: string) => tolerated.set(what, (tolerated.get(what) ?? 0) + 1);
/** Statuses answered that the endpoint's operation in /openapi.json does not list (reported, not failed). */
const undeclared = new Set<string>();

const shapes = new Map<string, ReturnType<typeof Compile> | undefined>();
/** The endpoint's documented success answer (as /openapi.json is generated from), compiled. */
function successShape(p: string) {
  if (!shapes.has(p)) {
    const schema = successResponses[p] ?? successResponses[p.split('/').at(-1)!];
    shapes.set(p, schema ? Compile(schema) : undefined);
  }
  return shapes.get(p);
}

/** Whether /openapi.json lists `status` for the endpoint (100 always). */
function declares(p: string, status: number): boolean {
  if (status === 100) return true;
  const codes = doc.paths[p]?.post?.responses?.['200']?.content?.['application/json']?.schema?.oneOf?.[1]?.properties
    ?.status?.enum as number[] | undefined;
  return codes === undefined || codes.includes(status);
}
const seen = { requests: 0, refused: 0, statuses: new Map<number, number>() };
const AUDIO = fs.readFileSync(path.resolve('test/fixtures/tone-3s.m4a'));

async function ok(
  name: string,
  params: Record<string, unknown>,
  subject = 'userId',
  encoding: 'form' | 'json' = 'form',
) {
  const res = await t.call(name, site, params, { subject, encoding });
  expect(res.body.status, `${name}: ${res.body.message}`).toBe(100);
  return res.body;
}

beforeAll(async () => {
  t = await buildTestApp();
  doc = (await t.app.inject('/openapi.json')).json();
  site = await t.site({ totalNumParties: 1000 });

  await ok('createOrUpdateUser', { userId: 'u1', userName: 'Host One', enableCloudRecord: 1, enableTuiliu: 1 });
  await ok('createOrUpdateUser', { userId: 'u2', userName: 'Host Two' });
  const at = (minutes: number) => gmt(Math.floor((t.clock.now + minutes * MIN) / 1000) * 1000);
  const reserve = async (userId: string, startTime: string, extra: Record<string, unknown> = {}) =>
    (
      await ok('confReservation', {
        userId,
        userName: 'Host',
        confName: 'Weekly',
        startTime,
        duration: 60,
        confParties: 10,
        ...extra,
      })
    ).data as {
      confId: number;
      confNumber: string;
    };
  const scheduled = await reserve('u1', at(120), { confPassword: '1234' });
  const live = await reserve('u1', at(-5));
  const ended = await reserve('u2', at(-30));
  const registration = await reserve('u2', at(240), { registrationType: 1 });
  const host = { cuid: 'h1', name: 'Host', role: 'host', device: 'Windows', deviceType: 'pc', ip: '10.0.0.1' };
  await ok(
    '/media/v1/events',
    { confNumber: live.confNumber, events: [{ type: 'participant.joined', participant: host }] },
    'confNumber',
    'json',
  );
  await ok(
    '/media/v1/events',
    { confNumber: ended.confNumber, events: [{ type: 'participant.joined', participant: host }] },
    'confNumber',
    'json',
  );
  await ok('endConf', { userId: 'u2', confId: ended.confId });
  await ok('updateRegistrationQuestions', {
    userId: 'u2',
    confId: registration.confId,
    custom_questions: JSON.stringify([{ title: 'Why?', type: 'short', answers: [], required: false }]),
  });
  const r1 = (
    await ok('addRegistrant', {
      userId: 'u2',
      confId: registration.confId,
      first_name: 'Ann',
      email: 'ann@example.test',
    })
  ).data.registrant_id;
  const r2 = (
    await ok('addRegistrant', {
      userId: 'u2',
      confId: registration.confId,
      first_name: 'Bob',
      email: 'bob@example.test',
      auto_approve: 'false',
    })
  ).data.registrant_id;
  const sent = sign(
    site,
    { confNumber: live.confNumber, fileType: 'M4A', recordStart: at(-4), recordEnd: at(-1) },
    ++t.clock.now,
    { subject: 'confNumber' },
  );
  const upload = await t.app.inject({
    method: 'POST',
    url: '/media/v1/recordings',
    query: sent,
    headers: { 'content-type': 'audio/mp4' },
    payload: AUDIO,
  });
  expect(upload.json().status, upload.body).toBe(100);
  const hook = (await ok('/webhooks/v1/createEndpoint', { url: 'https://crm.example.test/hooks' }, 'siteSign')).data.id;

  const meetings = [scheduled, live, ended, registration];
  const event = (type: string) => ({ type, participant: { cuid: 'p1', name: 'Guest', role: 'attendee' } });
  pool = {
    userId: ['u1', 'u2', 'ghost'],
    userName: ['Alice'],
    confId: meetings.map((m) => m.confId),
    confNo: meetings.map((m) => m.confNumber),
    confNumber: meetings.map((m) => m.confNumber),
    registrantId: [r1, r2],
    id: [hook],
    startTime: [at(60), at(-10), '2026-06-01', '2026-01-01 00:00:00'],
    endTime: [at(600), '2026-06-02', '2027-01-01 00:00:00'],
    status: ['approved', 'denied', 'pending'],
    region: ['default'],
    url: ['https://crm.example.test/other'],
    confName: ['Review'],
    email: ['eve@example.test'],
    first_name: ['Eve'],
    duration: [30, 60],
    confParties: [5],
    events: [
      [event('participant.joined')],
      [event('participant.left')],
      [{ type: 'session.ended' }],
      [{ type: 'session.started' }],
    ],
    custom_questions: ['[]', [{ title: 'Why?', value: 'because' }]],
    questions: ['[]', [{ field_name: 'org', required: true }]],
  };

  endpoints = new Map(PATHS.map((p) => [p, endpointDoc(doc, p)]));
  state = await snapshot(t.store);
});

afterAll(async () => {
  const statuses = [...seen.statuses.entries()]
    .sort(([a], [b]) => a - b)
    .map(([s, n]) => `${s}×${n}`)
    .join(' ');
  console.info(
    `[hostile-input ${dialect}] ${seen.requests} generated requests, ${seen.refused} refused; statuses ${statuses}; tolerated: ${JSON.stringify(Object.fromEntries(tolerated))}; statuses /openapi.json does not list: ${[...undeclared].sort().join(', ') || 'none'}`,
  );
  await t?.close();
});

/** Sends one request and checks every property; `g` (when given) lets a known bug's 103 through. */
async function check(
  req: InjectOptions,
  label: string,
  g?: Generated,
  ep?: EndpointDoc,
): Promise<LightMyRequestResponse> {
  const res = await t.app.inject(req);
  const where = `${label}\n  request: ${describeRequest(req)}\n  response: HTTP ${res.statusCode} ${res.body.slice(0, 400)}`;
  expect(res.statusCode, where).toBeLessThan(500);
  expect(res.headers['content-type'], where).toMatch(/^application\/json/);
  let body: any;
  expect(() => (body = JSON.parse(res.body)), where).not.toThrow();
  expect(typeof body.status, where).toBe('number');
  expect(typeof body.message === 'string' && body.message.length > 0, where).toBe(true);
  expect(DOCUMENT_CODES, where).toContain(body.status);
  if (res.statusCode !== 200) {
    expect([400, 413, 415], where).toContain(res.statusCode);
    expect(body.status, where).toBe(109);
  }
  expect(res.body, where).not.toContain(site.api_key);
  const unsupported = body.status === 103 && UNSUPPORTED.some((m) => body.message.startsWith(m));
  if (unsupported) count('documented "unsupported" 103');
  else expect(body.status, where).not.toBe(103);
  if (body.status === 100 && ep) {
    // A success keeps the documented shape: hostile input never becomes a null duration or a NaN count.
    const shape = successShape(ep.path);
    if (shape && !shape.Check(body)) {
      const errors = [...shape.Errors(body)] as { instancePath: string }[];
      expect.fail(
        `a success answer does not match its documented shape: ${JSON.stringify(errors.slice(0, 3))}\n${where}`,
      );
    }
  }
  if (ep && !declares(ep.path, body.status)) undeclared.add(`${ep.path} → ${body.status}`);

  const after = await snapshot(t.store);
  if (body.status !== 100) expect(changedTables(state, after), `a refused request changed data\n${where}`).toEqual([]);
  state = after;
  seen.statuses.set(body.status, (seen.statuses.get(body.status) ?? 0) + 1);
  return res;
}

/** A plausible value of a parameter: from the fixture, else from its schema. */
function plausibleArbitrary(p: ParamDoc): fc.Arbitrary<unknown> {
  const known = pool[p.name];
  if (known) return fc.constantFrom(...known);
  const s = p.schema;
  const fromSchema: fc.Arbitrary<unknown>[] = [];
  if (s.type === 'integer')
    fromSchema.push(fc.integer({ min: s.minimum ?? 0, max: Math.min(s.maximum ?? 100, (s.minimum ?? 0) + 100) }));
  if (s.anyOf)
    fromSchema.push(fc.constantFrom(...s.anyOf.flatMap((a) => a.enum ?? (a.const !== undefined ? [a.const] : []))));
  if (s.type === 'string' && !s.pattern) fromSchema.push(fc.string({ maxLength: Math.min(s.maxLength ?? 20, 20) }));
  return fromSchema.length ? fc.oneof(...fromSchema) : hostileText;
}

/** A parameter's value in a chaotic request: plausible, hostile, or left out. */
function chaosArbitrary(p: ParamDoc, isSubject: boolean): fc.Arbitrary<unknown> {
  const plausible = plausibleArbitrary(p);
  if (isSubject)
    return fc.oneof(
      { weight: 8, arbitrary: plausible },
      { weight: 3, arbitrary: hostileText },
      { weight: 1, arbitrary: hostileValue },
    );
  return fc.oneof(
    { weight: p.required ? 1 : 3, arbitrary: fc.constant(undefined) },
    { weight: 4, arbitrary: plausible },
    { weight: 4, arbitrary: hostileValue },
    ...(STRUCTURED.has(p.name) ? [{ weight: 2, arbitrary: nested(p.name) }] : []),
  );
}

/** A parameter's value in a focused request (one hostile parameter among plausible ones). */
function calmArbitrary(p: ParamDoc): fc.Arbitrary<unknown> {
  return p.required
    ? plausibleArbitrary(p)
    : fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: plausibleArbitrary(p) });
}

/** Parameters whose value is a list of objects. */
const STRUCTURED = new Set(['events', 'custom_questions', 'questions']);

/** Hostile content inside the structured parameters (media events, registration questions). */
function nested(name: string): fc.Arbitrary<unknown> {
  const maybe = (a: fc.Arbitrary<unknown>) => fc.option(a, { nil: undefined });
  if (name === 'events') {
    const participant = fc.record(
      {
        cuid: fc.oneof(fc.constant('p1'), hostileText),
        name: hostileValue,
        role: fc.oneof(fc.constantFrom('host', 'attendee'), hostileValue),
        device: hostileText,
        deviceType: fc.oneof(fc.constantFrom('pc', 'mobile', '其他'), hostileText),
        ip: hostileText,
        userId: hostileText,
        registrantId: hostileText,
        viewOnly: fc.oneof(fc.boolean(), hostileValue),
      },
      { requiredKeys: [] },
    );
    const event = fc.record(
      {
        type: fc.oneof(
          fc.constantFrom('participant.joined', 'participant.left', 'session.started', 'session.ended'),
          hostileValue,
        ),
        at: maybe(fc.oneof(fc.constantFrom(...TIMES, gmt(t.clock.now - MIN)), hostileText)),
        participant: maybe(fc.oneof(participant, hostileValue)),
      },
      { requiredKeys: ['type'] },
    );
    return fc.oneof(
      fc.array(event, { minLength: 1, maxLength: 4 }),
      fc.array(event, { minLength: 101, maxLength: 103 }),
    );
  }
  const question = fc.record(
    {
      title: hostileValue,
      type: fc.oneof(fc.constantFrom('short', 'single'), hostileValue),
      answers: fc.oneof(fc.array(hostileValue, { maxLength: 3 }), hostileValue),
      required: fc.oneof(fc.boolean(), hostileValue),
      value: hostileValue,
      field_name: fc.oneof(fc.constantFrom('org', 'city', 'comments'), hostileValue),
    },
    { requiredKeys: [] },
  );
  const list = fc.oneof(fc.array(question, { maxLength: 3 }), fc.array(question, { minLength: 101, maxLength: 101 }));
  return fc.oneof(
    list,
    list.map((l) => jsonText(l)),
  );
}

/** Mostly the three ways integrators send; now and then a GET with a body (which the server does not read). */
const encodingArbitrary: fc.Arbitrary<Encoding> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<Encoding>('query-get', 'form', 'json') },
  { weight: 1, arbitrary: fc.constantFrom<Encoding>('query-post', 'form-get', 'json-get', 'mixed-form', 'mixed-json') },
);

/**
 * A whole request, signed later: either chaotic (every parameter plausible, hostile or left out) or focused
 * (plausible parameters and one hostile one, so that it gets past validation to the handler and the database);
 * random extra names, a repeated name, raw garbage.
 */
function requestArbitrary(ep: EndpointDoc): fc.Arbitrary<Generated> {
  const chaos = fc.tuple(...ep.params.map((p) => chaosArbitrary(p, p.name === ep.subject)));
  const focused =
    ep.params.length === 0
      ? fc.constant([] as unknown[])
      : fc.nat({ max: ep.params.length - 1 }).chain((k) => {
          const name = ep.params[k]!.name;
          const hostile = STRUCTURED.has(name)
            ? fc.oneof(nested(name), hostileValue)
            : fc.oneof({ weight: 3, arbitrary: hostileText }, { weight: 1, arbitrary: hostileValue });
          return fc.tuple(...ep.params.map((p, j) => (j === k ? hostile : calmArbitrary(p))));
        });
  const calm = fc.tuple(...ep.params.map(calmArbitrary));
  const own = fc.oneof(
    { weight: 2, arbitrary: chaos },
    { weight: 3, arbitrary: focused },
    { weight: 1, arbitrary: calm },
  );
  const extras = fc.array(fc.tuple(extraName, hostileValue), { maxLength: 3 });
  // A quarter of the requests repeat a name, a third carry raw garbage.
  const repeat = fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.tuple(fc.nat(), hostileText) },
  );
  const garbage = fc.oneof(
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom(...GARBAGE) },
  );
  return fc
    .record({ encoding: encodingArbitrary, own, extras, repeat, garbage })
    .map(({ encoding, own, extras, repeat, garbage }) => {
      const entries: [string, unknown][] = [];
      ep.params.forEach((p, i) => {
        if (own[i] !== undefined) entries.push([p.name, own[i]]);
      });
      entries.push(...extras);
      if (repeat && entries.length > 0) {
        const [name] = entries[repeat[0] % entries.length]!;
        entries.push([name, repeat[1]]);
      }
      return { encoding, entries, garbage };
    });
}

/** Adds siteSign, timeStamp and a correct token over the subject as the server will read it. */
function signed(ep: EndpointDoc, g: Generated): Generated {
  const timeStamp = String(++t.clock.now);
  const subjectValue =
    ep.subject === 'siteSign'
      ? site.site_sign
      : subjectText([...g.entries].reverse().find(([k]) => k === ep.subject)?.[1]);
  const token = computeToken(subjectValue, site.api_key, timeStamp);
  return { ...g, entries: [['siteSign', site.site_sign], ['timeStamp', timeStamp], ['token', token], ...g.entries] };
}

describe('hostile parameters, correctly signed (fast-check)', () => {
  it('covers the 33 endpoints of the index and the extensions, each with its token subject in /openapi.json', () => {
    expect(INDEXED).toHaveLength(33);
    expect(DOCUMENT_CODES).toEqual([
      100, 101, 102, 103, 104, 106, 109, 112, 201, 202, 205, 301, 401, 402, 704, 705, 707, 708, 709,
    ]);
    for (const p of PATHS)
      expect(['userId', 'confNo', 'confNumber', 'siteSign'], p).toContain(endpoints.get(p)!.subject);
    expect(endpoints.get('/webhooks/v1/listEndpoints')!.subject).toBe('siteSign');
    expect(endpoints.get('/openapi/v2/getLiveDetail')!.subject).toBe('confNo');
  });

  for (const p of PATHS) {
    it(`${p}: no 5xx, no 103, a document code, a message; a refusal changes nothing`, async () => {
      const ep = endpoints.get(p)!;
      await fc.assert(
        fc.asyncProperty(requestArbitrary(ep), async (generated) => {
          const g = signed(ep, generated);
          const res = await check(toInject(p, g), p, g, ep);
          seen.requests += 1;
          if (res.json().status !== 100) seen.refused += 1;
        }),
        { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}) },
      );
    });
  }

  it('/media/v1/recordings (upload): hostile query parameters with a small file', async () => {
    // The upload is not defined through defineEndpoint: /openapi.json gives it no x-token-subject (and
    // documents its query parameters as a form body), so its subject is the README's: confNumber.
    const ep = endpointDoc(doc, '/media/v1/recordings', 'confNumber');
    await fc.assert(
      fc.asyncProperty(
        requestArbitrary(ep),
        fc.constantFrom('audio/mp4', 'video/mp4', 'application/octet-stream'),
        async (generated, type) => {
          const g = signed(ep, { ...generated, encoding: 'query-post' });
          const req = toInject('/media/v1/recordings', g);
          await check({ ...req, headers: { 'content-type': type }, payload: AUDIO }, 'upload', g, ep);
          seen.requests += 1;
        },
      ),
      { numRuns: RUNS * 2, ...(SEED !== undefined ? { seed: SEED } : {}) },
    );
  });
});

describe('unreadable and odd bodies (every endpoint, signed query string)', () => {
  /** Correct parameters for each endpoint, so that only the body is at fault. */
  const base = (p: string): Record<string, unknown> => {
    const ep = endpoints.get(p)!;
    return Object.fromEntries(
      ep.params
        .filter((x) => x.required)
        .map((x) => [x.name, pool[x.name]?.[0] ?? (x.schema.type === 'integer' ? (x.schema.minimum ?? 1) : 'x')]),
    );
  };
  const signedQuery = (p: string) => {
    const ep = endpoints.get(p)!;
    const params = base(p);
    return `${p}?${new URLSearchParams(sign(site, params, ++t.clock.now, { subject: ep.subject }))}`;
  };

  const REFUSED: { label: string; http: number; headers: Record<string, string>; payload: string | Buffer }[] = [
    {
      label: 'a form body over 1 MiB',
      http: 413,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `a=${'x'.repeat(1024 * 1024)}`,
    },
    {
      label: 'a JSON body over 1 MiB',
      http: 413,
      headers: { 'content-type': 'application/json' },
      payload: `{"a":"${'x'.repeat(1024 * 1024)}"}`,
    },
    {
      label: 'malformed JSON',
      http: 400,
      headers: { 'content-type': 'application/json' },
      payload: '{"userId": "u1",',
    },
    {
      label: 'JSON with a __proto__ key',
      http: 400,
      headers: { 'content-type': 'application/json' },
      payload: '{"__proto__": {"polluted": 1}}',
    },
    {
      label: 'an empty body with a JSON content type',
      http: 400,
      headers: { 'content-type': 'application/json' },
      payload: '',
    },
    {
      label: 'JSON nested 100 000 deep',
      http: 200,
      headers: { 'content-type': 'application/json' },
      payload: `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
    },
    {
      label: 'multipart/form-data',
      http: 415,
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      payload: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--',
    },
    { label: 'application/xml', http: 415, headers: { 'content-type': 'application/xml' }, payload: '<a>1</a>' },
    { label: 'a body without a content type', http: 415, headers: { 'content-type': '' }, payload: 'a=1' },
    {
      label: 'a made-up content type',
      http: 415,
      headers: { 'content-type': 'application/x-evil; charset=utf-7' },
      payload: 'a=1',
    },
    { label: 'text/plain', http: 415, headers: { 'content-type': 'text/plain' }, payload: 'userId=u1' },
    { label: 'a JSON array', http: 200, headers: { 'content-type': 'application/json' }, payload: '[{"userId":"u1"}]' },
    { label: 'a JSON string', http: 200, headers: { 'content-type': 'application/json' }, payload: '"userId=u1"' },
    { label: 'a JSON number', http: 200, headers: { 'content-type': 'application/json' }, payload: '12345' },
    { label: 'JSON true', http: 200, headers: { 'content-type': 'application/json' }, payload: 'true' },
  ];

  it('refuses them all (109, with the HTTP status of an unreadable body) and changes nothing', async () => {
    const before = await snapshot(t.store);
    for (const p of PATHS) {
      for (const c of REFUSED) {
        const req: InjectOptions = { method: 'POST', url: signedQuery(p), headers: c.headers, payload: c.payload };
        const res = await t.app.inject(req);
        const where = `${p}: ${c.label} → HTTP ${res.statusCode} ${res.body.slice(0, 300)}`;
        expect(res.statusCode, where).toBe(c.http);
        expect(res.json(), where).toMatchObject({ status: 109, message: expect.stringMatching(/\S/) });
      }
    }
    expect(changedTables(before, await snapshot(t.store))).toEqual([]);
    state = await snapshot(t.store);
  });

  it('answers malformed percent-encoding (%ZZ, truncated, overlong UTF-8) as a document code, never 103', async () => {
    for (const p of PATHS) {
      const ep = endpoints.get(p)!;
      for (const garbage of ['x=%ZZ', '%ZZ=%ZZ', 'y=%', 'z=%C0%80%ED%A0%80']) {
        const sent = sign(site, base(p), ++t.clock.now, { subject: ep.subject });
        const body = `${new URLSearchParams(sent)}&${garbage}`;
        await check(
          { method: 'POST', url: p, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: body },
          `${p} form ${garbage}`,
        );
        const again = sign(site, base(p), ++t.clock.now, { subject: ep.subject });
        await check({ method: 'GET', url: `${p}?${new URLSearchParams(again)}&${garbage}` }, `${p} query ${garbage}`);
      }
    }
  });

  it('refuses 10 000 parameters and a 100 000-character parameter name without harm', async () => {
    const p = '/openapi/v2/getUserByUserId';
    const many = Array.from({ length: 10_000 }, (_, i) => `p${i}=${i}`).join('&');
    const sent = new URLSearchParams(sign(site, { userId: 'u1' }, ++t.clock.now));
    await check(
      {
        method: 'POST',
        url: p,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `${sent}&${many}`,
      },
      'many parameters',
    );
    const sent2 = new URLSearchParams(sign(site, { userId: 'u1' }, ++t.clock.now));
    await check({ method: 'GET', url: `${p}?${sent2}&${'k'.repeat(100_000)}=1` }, 'a huge name');
  });
});

/** Writes `raw` to the server's socket and reads until it closes (or 2 s pass); answers the status line. */
function rawRequest(port: number, raw: string | Buffer, end = true): Promise<string> {
  return new Promise((resolve) => {
    let answer = '';
    const socket = net.connect(port, '127.0.0.1', () => (end ? socket.end(raw) : socket.write(raw)));
    socket.setTimeout(2000, () => socket.destroy());
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (!end && answer.includes('\r\n\r\n')) socket.destroy();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(answer.split('\r\n')[0] ?? ''));
  });
}

describe('after all that', () => {
  it('survives malformed HTTP on a real socket (truncated bodies, bad chunking, smuggling, bad paths)', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (t.app.server.address() as net.AddressInfo).port;
    const p = '/openapi/v2/getUserByUserId';
    const statusLines = [
      await rawRequest(
        port,
        `POST ${p} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"userId":`,
      ),
      await rawRequest(
        port,
        `POST ${p} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n`,
      ),
      await rawRequest(
        port,
        `POST ${p} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -1\r\n\r\n{}`,
      ),
      await rawRequest(
        port,
        `POST ${p} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      ),
      await rawRequest(port, `GET /openapi/v2/%ZZ%00?a=%ZZ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
      await rawRequest(
        port,
        `GET ${p}?userId=%ED%A0%80 HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0000b\r\nConnection: close\r\n\r\n`,
      ),
      await rawRequest(
        port,
        Buffer.concat([
          Buffer.from(`GET ${p}?x=`),
          Buffer.from([0xff, 0xfe, 0x00]),
          Buffer.from(' HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
        ]),
      ),
      await rawRequest(
        port,
        `POST ${p} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000000\r\n\r\n${'x'.repeat(1000)}`,
        false,
      ),
    ];
    for (const line of statusLines) expect(line, statusLines.join(' | ')).not.toMatch(/^HTTP\/1\.1 5/);
    const sent = new URLSearchParams(sign(site, { userId: 'socket', userName: 'Still here' }, ++t.clock.now));
    const res = await fetch(`http://127.0.0.1:${port}/openapi/v2/createOrUpdateUser?${sent}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: unknown }).status).toBe(100);
  });

  it('the server still answers normally', async () => {
    const health = await t.app.inject('/healthz');
    expect(health.statusCode).toBe(200);
    const res = await t.call('createOrUpdateUser', site, { userId: 'after', userName: 'Still here' });
    expect(res.body).toMatchObject({ status: 100, data: { userId: 'after', userName: 'Still here' } });
  });
});

// ---------------------------------------------------------------------------------------------------------
// Bugs this file found, each reduced to one request, now refused with 109 before any query runs.

describe('regressions', () => {
  // A site of their own: the properties above may have cancelled or deleted the shared fixture's objects.
  let own: SiteRow;
  let meeting: { confId: number; confNumber: string };
  beforeAll(async () => {
    own = await t.site();
    const reserved = await t.call('confReservation', own, {
      userId: 'kb',
      userName: 'KB',
      confName: 'Regressions',
      startTime: gmt(Math.floor((t.clock.now - 10 * MIN) / 1000) * 1000),
      duration: 60,
      confParties: 5,
    });
    expect(reserved.body.status, reserved.body.message).toBe(100);
    meeting = reserved.body.data;
  });

  const refused = (res: { body: { status: number; message: string } }, name: string) => {
    expect(res.body.status).toBe(109);
    expect(res.body.message).toContain(name);
  };

  // NUL characters (PostgreSQL cannot keep them as text: it was a 103, even before the token was checked).
  it('a NUL in siteSign, userName or confNo is 109 naming it', async () => {
    refused(await t.call('getUserByUserId', { ...own, site_sign: 'x\u0000' }, { userId: 'kb' }), 'siteSign');
    refused(await t.call('createOrUpdateUser', own, { userId: 'nul', userName: 'a\u0000b' }), 'userName');
    refused(await t.call('getLiveDetail', own, { confNo: '12\u000034' }, { subject: 'confNo' }), 'confNo');
  });

  // Whole numbers past what a bigint (or a double, exactly) holds: 103 on PostgreSQL, and an OFFSET past 2^63.
  it('ids and page numbers past 15 digits are 109 naming them', async () => {
    refused(await t.call('getConfDetailByConfId', own, { userId: 'kb', confId: '9223372036854775808' }), 'confId');
    refused(
      await t.call('/webhooks/v1/events', own, { after: '9223372036854775808' }, { subject: 'siteSign' }),
      'after',
    );
    refused(
      await t.call('getScheduledConfListBySiteSign', own, { userId: 'kb', pageNo: '92233720368547758', pageSize: 100 }),
      'pageNo',
    );
    refused(
      await t.call('getConfLogListByConfId', own, { userId: 'kb', confId: meeting.confId, pageNo: '1e19' }),
      'pageNo',
    );
  });

  // "Infinity", "-Infinity", "1e400": Ajv's coercion let them through `integer` with minimum and maximum
  // (SQLite stored NULL — a meeting outside the licence count; PostgreSQL answered 103).
  it('infinite numbers are 109 and cannot lift the licence', async () => {
    refused(
      await t.call('confReservation', own, {
        userId: 'inf1',
        userName: 'I',
        confName: 'Inf',
        startTime: '2026-06-02 09:00:00',
        duration: 'Infinity',
        confParties: 5,
      }),
      'duration',
    );
    refused(
      await t.call('confReservation', own, {
        userId: 'inf2',
        userName: 'I',
        confName: 'Inf',
        startTime: '2026-06-02 09:00:00',
        duration: 60,
        confParties: '-Infinity',
      }),
      'confParties',
    );
    refused(
      await t.call(
        'getScheduledConfListByUserId',
        own,
        { userId: 'kb', pageSize: '-1e400' },
        { encoding: 'query', method: 'GET' },
      ),
      'pageSize',
    );
    refused(await t.call('/webhooks/v1/events', own, { limit: 'Infinity' }, { subject: 'siteSign' }), 'limit');
    const small = await t.site({ totalNumParties: 10 });
    const base = { userName: 'L', confName: 'Licence', startTime: '2026-06-02 09:00:00', duration: 60 };
    expect((await t.call('confReservation', small, { ...base, userId: 'l1', confParties: 10 })).body.status).toBe(100);
    const sneaky = await t.call('confReservation', small, { ...base, userId: 'l2', confParties: '-Infinity' });
    const remain = await t.call('getReMainNumPartis', small, {
      userId: 'l1',
      startTime: '2026-06-02 09:00:00',
      duration: 60,
    });
    const another = await t.call('confReservation', small, { ...base, userId: 'l3', confParties: 10 });
    expect([sneaky.body.status, remain.body.remainNumPartis, another.body.status]).toEqual([109, 0, 205]);
  });
});
