import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, Code } from '../domain/errors.js';

/**
 * Integrators send parameters in the query string, a form body or a JSON body, on GET and POST
 * alike (NOTES.md). This preValidation hook merges them into `request.query` (body wins), where the
 * route's one `querystring` schema validates and coerces them.
 *
 * A blank value for a number parameter (`optionJbh=` from a form that leaves it unset) counts as not
 * given, so its default applies.
 */
export async function mergeParams(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  const body = request.body;
  if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body))) {
    throw new ApiError(Code.parameter, '参数错误 (the request body must be a JSON object or a form)');
  }
  const merged: Record<string, unknown> = { ...(request.query as object), ...(body as object | undefined) };
  const schema = request.routeOptions.schema?.querystring as { properties?: Record<string, { type?: string }> } | undefined;
  const properties = schema?.properties ?? {};
  for (const [name, value] of Object.entries(merged)) {
    const type = properties[name]?.type;
    if (value === '' && type !== undefined && type !== 'string') delete merged[name];
  }
  request.query = merged;
}
