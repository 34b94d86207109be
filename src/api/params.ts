import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, Code, parameterError } from '../domain/errors.js';

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
  const body = request.body;
  if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body))) {
    throw new ApiError(Code.parameter, '参数错误 (the request body must be a JSON object or a form)');
  }
  const merged: Record<string, unknown> = { ...(request.query as object), ...(body as object | undefined) };
  request.query = screened(request, merged);
}

/** The same screening for a route whose parameters are only in the query string (the body is a file). */
export async function screenQuery(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  request.query = screened(request, { ...(request.query as object) });
}

function screened(request: FastifyRequest, params: Record<string, unknown>): Record<string, unknown> {
  const schema = request.routeOptions.schema?.querystring as { properties?: Record<string, { type?: string }> } | undefined;
  const properties = schema?.properties ?? {};
  for (const [name, value] of Object.entries(params)) {
    const type = properties[name]?.type;
    if (value === '' && type !== undefined && type !== 'string') {
      delete params[name];
      continue;
    }
    if (type === 'integer' || type === 'number') checkNumber(name, value, type);
    refuseNul(name, value);
  }
  return params;
}

function checkNumber(name: string, value: unknown, type: 'integer' | 'number'): void {
  const expected = type === 'integer' ? 'a whole number of at most 15 digits' : 'a finite number';
  for (const item of Array.isArray(value) ? value : [value]) {
    if (typeof item === 'string' && !(type === 'integer' ? INTEGER_TEXT : NUMBER_TEXT).test(item)) throw parameterError(name, expected);
    if (typeof item === 'number' && (type === 'integer' ? !Number.isSafeInteger(item) : !Number.isFinite(item))) throw parameterError(name, expected);
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
