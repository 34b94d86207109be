// `npm run sdk-types` (tsx scripts/sdk-contract.ts): writes packages/sdk/src/contract.generated.ts, the SDK's
// answer shapes, status codes and request parameters, from the server's one source (src/contract/answers.ts,
// src/domain/errors.ts, and the `params` schema each route gives `defineEndpoint`, read from a built app).
// test/api/sdk-contract.test.ts fails when the committed file differs from what this renders.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { endpointSchemas } from '../src/api/endpoint.js';
import { authParams } from '../src/api/schemas.js';
import { buildApp } from '../src/app.js';
import { defaultConfig } from '../src/config.js';
import { answers, FullMeeting, LiveParticipant, LogRow, Registrant, SiteListItem } from '../src/contract/answers.js';
import { Code } from '../src/domain/errors.js';
import { connect } from '../src/store/connect.js';

/** Where the generated file lives. */
export const SDK_CONTRACT_FILE = fileURLToPath(new URL('../packages/sdk/src/contract.generated.ts', import.meta.url));

interface Schema {
  type?: string;
  const?: unknown;
  enum?: unknown[];
  anyOf?: Schema[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean;
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
}

/** How a schema is written: answers as they are; parameters with their bounds and defaults in the TSDoc. */
interface Style {
  named: Map<string, string>;
  params: boolean;
}

/** Most values of an integer range written out as a union of literals (a 0/1 switch, `audio` 0–3). */
const MAX_LITERAL_RANGE = 4;

const literalRange = (s: Schema) =>
  s.type === 'integer' &&
  s.minimum !== undefined &&
  s.maximum !== undefined &&
  s.maximum - s.minimum < MAX_LITERAL_RANGE &&
  s.maximum >= s.minimum;

const between = (min: number | undefined, max: number | undefined, unit = '') => {
  if (min !== undefined && max !== undefined) return min === max ? `${min}${unit}` : `${min}–${max}${unit}`;
  if (min !== undefined) return `at least ${min}${unit}`;
  return max !== undefined ? `at most ${max}${unit}` : undefined;
};

/** A parameter's TSDoc: its description, then what the schema bounds (`(1–100; default 10)`). */
function paramDoc(s: Schema): string | undefined {
  // A range written out as literals needs no note.
  const numeric = (s.type === 'integer' || s.type === 'number') && !literalRange(s);
  const notes = [
    numeric ? between(s.minimum, s.maximum) : undefined,
    s.type === 'string' ? between(s.minLength, s.maxLength, ' characters') : undefined,
    s.pattern === undefined ? undefined : `matching \`${s.pattern}\``,
    s.type === 'array' ? between(s.minItems, s.maxItems, ' items') : undefined,
    s.default === undefined ? undefined : `default ${JSON.stringify(s.default)}`,
  ].filter((note) => note !== undefined);
  if (notes.length === 0) return s.description;
  return s.description ? `${s.description} (${notes.join('; ')})` : `${notes.join('; ')}`;
}

/** Shapes emitted once under their own name and referred to by it. */
const NAMED: [string, unknown][] = [
  ['FullMeetingShape', FullMeeting],
  ['SiteListItemShape', SiteListItem],
  ['LiveParticipantShape', LiveParticipant],
  ['RegistrantShape', Registrant],
  ['LogRowShape', LogRow],
];

const key = (schema: unknown) => JSON.stringify(schema);

function typeOf(schema: Schema, indent: string, style: Style, self?: string): string {
  const name = style.named.get(key(schema));
  if (name !== undefined && name !== self) return name;
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (schema.anyOf) return schema.anyOf.map((s) => typeOf(s, indent, style)).join(' | ');
  if (style.params && literalRange(schema)) {
    return Array.from({ length: schema.maximum! - schema.minimum! + 1 }, (_, i) => schema.minimum! + i).join(' | ');
  }
  switch (schema.type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array': {
      const item = typeOf(schema.items!, indent, style);
      return item.includes('|') && !item.startsWith('{') ? `(${item})[]` : `${item}[]`;
    }
    case 'object': {
      const inner = `${indent}  `;
      const required = new Set(schema.required ?? []);
      const lines = Object.entries(schema.properties ?? {}).map(([prop, s]) => {
        const text = style.params ? paramDoc(s) : s.description;
        const doc = text ? `${inner}/** ${text.replaceAll('*/', '*\\/')} */\n` : '';
        return `${doc}${inner}${id(prop)}${required.has(prop) ? '' : '?'}: ${typeOf(s, inner, style)};`;
      });
      if (schema.additionalProperties === true) lines.push(`${inner}[key: string]: unknown;`);
      return lines.length === 0 ? 'Record<string, never>' : `{\n${lines.join('\n')}\n${indent}}`;
    }
    default:
      return 'unknown';
  }
}

const id = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name));

/**
 * Every endpoint's parameter schema as its route registers it with `defineEndpoint`, read from an app built as
 * the server builds it (on an in-memory database), in the order of `answers`.
 */
async function endpointParams(): Promise<Map<string, { section: string; summary: string; params: Schema }>> {
  const store = await connect({ sqliteFile: ':memory:' });
  try {
    const app = await buildApp({
      config: defaultConfig({ logLevel: 'silent', publicUrl: 'http://127.0.0.1:8080', rateLimit: null }),
      db: store.db,
    });
    await app.ready();
    await app.close();
  } finally {
    await store.db.destroy();
  }
  const unknown = [...endpointSchemas.keys()].filter((endpoint) => !(endpoint in answers));
  if (unknown.length > 0)
    throw new Error(`endpoints without an answer in src/contract/answers.ts: ${unknown.join(', ')}`);
  const ordered = Object.keys(answers).filter((endpoint) => endpointSchemas.has(endpoint));
  return new Map(
    ordered.map((endpoint) => {
      const { section, summary, params } = endpointSchemas.get(endpoint)!;
      return [endpoint, { section, summary, params: params as Schema }];
    }),
  );
}

/** An endpoint's own parameters: its schema without the authentication ones, which the SDK's transport adds. */
function ownParams(params: Schema): Schema {
  const auth = new Set(Object.keys(authParams));
  return {
    ...params,
    properties: Object.fromEntries(Object.entries(params.properties ?? {}).filter(([name]) => !auth.has(name))),
    required: (params.required ?? []).filter((name) => !auth.has(name)),
  };
}

/** The text of packages/sdk/src/contract.generated.ts. */
export async function renderSdkContract(): Promise<string> {
  const named = new Map(NAMED.map(([name, schema]) => [key(schema), name]));
  const answerStyle: Style = { named, params: false };
  const out = [
    '// Generated by `npm run sdk-types` from src/contract/answers.ts, src/domain/errors.ts and the routes’ parameter',
    '// schemas (src/api/*.ts): do not edit.',
    '// test/api/sdk-contract.test.ts fails when this file and the server drift apart.',
    '',
    '/** The document’s status codes (§1.2) the server answers with. */',
    'export const StatusCodes = {',
    ...Object.entries(Code).map(([name, code]) => `  ${name}: ${code},`),
    '} as const;',
  ];
  for (const [name, schema] of NAMED) {
    const s = schema as Schema;
    out.push(
      '',
      ...(s.description ? [`/** ${s.description} */`] : []),
      `export interface ${name} ${typeOf(s, '', answerStyle, name)}`,
    );
  }
  out.push(
    '',
    '/** Every endpoint’s success answer: by name under /openapi/v2/, by path elsewhere. */',
    'export interface Answers {',
  );
  for (const [endpoint, schema] of Object.entries(answers)) {
    out.push(`  ${id(endpoint)}: ${typeOf(schema as Schema, '  ', answerStyle)};`);
  }
  out.push(
    '}',
    '',
    '/**',
    ' * Every endpoint’s own parameters as the server validates them (the `params` its route gives `defineEndpoint`),',
    ' * without the authentication ones the transport adds (`token`, `timeStamp`, `siteSign`): by name under',
    ' * /openapi/v2/, by path elsewhere. Times are GMT text; in a form, numbers and booleans travel as their text and',
    ' * lists as JSON text.',
    ' */',
    'export interface WireParams {',
  );
  const paramStyle: Style = { named: new Map(), params: true };
  for (const [endpoint, { section, summary, params }] of await endpointParams()) {
    const doc = /^\d/.test(section) ? `§${section} ${summary}` : summary;
    out.push(`  /** ${doc} */`, `  ${id(endpoint)}: ${typeOf(ownParams(params), '  ', paramStyle)};`);
  }
  out.push('}', '');
  return out.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === fs.realpathSync(process.argv[1])) {
  fs.writeFileSync(SDK_CONTRACT_FILE, await renderSdkContract());
  console.log(`wrote ${SDK_CONTRACT_FILE}`);
}
