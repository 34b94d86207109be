import querystring from 'node:querystring';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, Code, parameterError } from '../domain/errors.js';
import { CHOICE, IGNORE_CASE, JSON_TEXT } from './schemas.js';

/**
 * Most parameters one request may carry, in its query string and form body each. The widest endpoint
 * takes a few dozen; repeated names count each time.
 */
export const MAX_PARAMETERS = 512;
/** Longest parameter name (form and query) or JSON key; the document's longest name has 24 characters. */
export const MAX_KEY_LENGTH = 128;
/** Most keys in a JSON body, nested ones included: 100 media events or questions with their fields fit. */
export const MAX_JSON_KEYS = 4096;
/** Deepest nesting of a JSON body; the deepest parameter (a media event's participant) is 3 levels down. */
export const MAX_JSON_DEPTH = 16;

function tooMany(what: string): ApiError {
  return new ApiError(Code.parameter, `参数错误 (the request has too many parameters: ${what})`);
}

/** A whole number as text: optional sign, at most 15 digits (every such value is exact in a double). */
const INTEGER_TEXT = /^\s*[+-]?\d{1,15}\s*$/;
/** A decimal number as text, no exponent beyond what a finite double holds. */
const NUMBER_TEXT = /^\s*[+-]?(\d{1,15}(\.\d*)?|\.\d+)([eE][+-]?\d{1,2})?\s*$/;

/**
 * Integrators send parameters in the query string, a form body or a JSON body, on GET and POST
 * alike (NOTES.md). This preValidation hook merges them into `request.query` (body wins), where the
 * route's one `querystring` schema validates and coerces them.
 *
 * Before that, what the schema's type coercion would let through wrongly is refused with 109 naming the
 * parameter: numbers that are not finite, whole numbers that do not fit exactly ("Infinity", "1e400",
 * 2^63, hexadecimal), and NUL characters (no database keeps them as text). A blank value for a number
 * parameter (`optionJbh=` from a form that leaves it unset) counts as not given, so its default applies.
 */
export async function mergeParams(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  checkQueryCount(request.query);
  const body = request.body;
  if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body))) {
    throw new ApiError(Code.parameter, '参数错误 (the request body must be a JSON object or a form)');
  }
  const merged: Record<string, unknown> = { ...(request.query as object), ...(body as object | undefined) };
  request.query = screened(request, merged);
}

/** The same screening for a route whose parameters are only in the query string (the body is a file). */
export async function screenQuery(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  checkQueryCount(request.query);
  request.query = screened(request, { ...(request.query as object) });
}

function screened(request: FastifyRequest, params: Record<string, unknown>): Record<string, unknown> {
  const schema = request.routeOptions.schema?.querystring as { properties?: Record<string, ParamSchema> } | undefined;
  const properties = schema?.properties ?? {};
  for (const [name, given] of Object.entries(params)) {
    const type = properties[name]?.type;
    const value = given === '' ? given : fromText(name, properties[name], given, false);
    params[name] = value;
    if (properties[name]?.[CHOICE] && typeof value === 'string') {
      if (value === '') {
        delete params[name];
        continue;
      }
      if (properties[name]?.[IGNORE_CASE]) params[name] = value.toLowerCase();
    }
    if (value === '' && type !== undefined && type !== 'string') {
      delete params[name];
      continue;
    }
    if (type === 'integer' || type === 'number') checkNumber(name, value, type);
    refuseNul(name, value);
  }
  return params;
}

interface ParamSchema {
  type?: string;
  items?: ParamSchema;
  properties?: Record<string, ParamSchema>;
  [CHOICE]?: boolean;
  [IGNORE_CASE]?: boolean;
  [JSON_TEXT]?: boolean;
}

/**
 * Forms carry text only: a list marked {@link JSON_TEXT} arrives as JSON text and is parsed here (109
 * naming it when it is not JSON), and a true/false parameter may be "1" or "0" (at the top level, and
 * anywhere within such a list, where an empty value counts as not given).
 */
function fromText(name: string, schema: ParamSchema | undefined, value: unknown, inList: boolean): unknown {
  if (!schema) return value;
  if (schema[JSON_TEXT] && typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw parameterError(name, 'a JSON array');
    }
  }
  if (schema.type === 'boolean' && (value === '1' || value === '0')) return value === '1';
  if (!inList && !schema[JSON_TEXT]) return value;
  if (schema.type === 'array' && schema.items && Array.isArray(value))
    return value.map((item, i) => fromText(`${name}[${i}]`, schema.items, item, true));
  if (
    schema.type === 'object' &&
    schema.properties &&
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value)
  ) {
    const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    for (const [key, property] of Object.entries(schema.properties)) {
      if (!(key in out)) continue;
      if (out[key] === '' && property.type === 'boolean') delete out[key];
      else out[key] = fromText(`${name}.${key}`, property, out[key], true);
    }
    return out;
  }
  return value;
}

function checkNumber(name: string, value: unknown, type: 'integer' | 'number'): void {
  const expected = type === 'integer' ? 'a whole number of at most 15 digits' : 'a finite number';
  for (const item of Array.isArray(value) ? value : [value]) {
    if (typeof item === 'string' && !(type === 'integer' ? INTEGER_TEXT : NUMBER_TEXT).test(item))
      throw parameterError(name, expected);
    if (typeof item === 'number' && (type === 'integer' ? !Number.isSafeInteger(item) : !Number.isFinite(item)))
      throw parameterError(name, expected);
  }
}

/** Refuses a NUL character anywhere in a value, nested ones included, naming where it is. */
function refuseNul(name: string, value: unknown, depth = 0): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw parameterError(name, 'text without NUL characters');
  } else if (Array.isArray(value)) {
    if (depth < 32) value.forEach((item, i) => refuseNul(`${name}[${i}]`, item, depth + 1));
  } else if (typeof value === 'object' && value !== null) {
    if (depth < 32) for (const [key, item] of Object.entries(value)) refuseNul(`${name}.${key}`, item, depth + 1);
  }
}

/**
 * The query string is parsed by the router and bounded by the header size limit (16 KiB); its
 * parameters are counted here, before any copy.
 */
function checkQueryCount(query: unknown): void {
  let count = 0;
  for (const name in query as object) {
    if ((count += 1) > MAX_PARAMETERS) throw tooMany(`at most ${MAX_PARAMETERS} parameters in the query string`);
    if (name.length > MAX_KEY_LENGTH) throw parameterNameTooLong();
  }
}

function parameterNameTooLong(): ApiError {
  return new ApiError(Code.parameter, `参数错误 (parameters need names of at most ${MAX_KEY_LENGTH} characters)`);
}

/**
 * The form body parser: the parameters are counted and their names measured on the text, in one pass
 * and before anything is decoded or copied; then parsed. Over a limit: 109 naming it.
 */
export function parseForm(text: string): Record<string, string | string[]> {
  let count = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('&', start);
    if (end < 0) end = text.length;
    if (end > start) {
      if ((count += 1) > MAX_PARAMETERS) throw tooMany(`at most ${MAX_PARAMETERS} parameters in the body`);
      const equals = text.indexOf('=', start);
      if ((equals < 0 || equals > end ? end : equals) - start > MAX_KEY_LENGTH) throw parameterNameTooLong();
    }
    start = end + 1;
  }
  return querystring.parse(text) as Record<string, string | string[]>;
}

/**
 * Screens a JSON body's text before it is parsed: at most {@link MAX_JSON_KEYS} keys, names of at most
 * {@link MAX_KEY_LENGTH} characters, nesting at most {@link MAX_JSON_DEPTH} deep. One pass over the
 * characters, no recursion; what is not JSON is left to the parser to refuse.
 */
export function screenJsonText(text: string): void {
  let depth = 0;
  let keys = 0;
  let stringStart = -1;
  let lastStringLength = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (stringStart >= 0) {
      if (c === 0x5c) i += 1;
      else if (c === 0x22) {
        lastStringLength = i - stringStart;
        stringStart = -1;
      }
    } else if (c === 0x22) {
      stringStart = i + 1;
    } else if (c === 0x7b || c === 0x5b) {
      if ((depth += 1) > MAX_JSON_DEPTH)
        throw new ApiError(Code.parameter, `参数错误 (the JSON body may be nested at most ${MAX_JSON_DEPTH} deep)`);
    } else if (c === 0x7d || c === 0x5d) {
      depth -= 1;
    } else if (c === 0x3a) {
      if ((keys += 1) > MAX_JSON_KEYS) throw tooMany(`at most ${MAX_JSON_KEYS} keys in the JSON body`);
      if (lastStringLength > MAX_KEY_LENGTH) throw parameterNameTooLong();
    }
  }
}
