import type { FastifyRequest } from 'fastify';

const SECRET_PARAMS = /^(token|apiKey|api_key|tk|pwd|confPassword|ticket|sig)$/i;

/**
 * Link paths whose segment after the confNumber is the link's secret: `/s/<confNumber>/<secret>`,
 * `/j/…`, `/wc/join/…`, the live watch page `/w/<confNumber>/<secret>[/status|/hls/…]` and the pages' calls
 * `/web/v1/links/<kind>/<confNumber>/<secret>[/enter]`.
 */
const SECRET_PATH = /^(\/(?:s|j|w|wc\/join|web\/v1\/links\/[^/?#]*)\/[^/?#]*\/)[^/?#]+/;

/** The URL with link secrets in its path and secret query parameters (tokens, keys, passwords) replaced by `[redacted]`. */
export function redactUrl(url: string): string {
  url = url.replace(SECRET_PATH, '$1[redacted]');
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const name of [...params.keys()]) {
    if (SECRET_PARAMS.test(name)) params.set(name, '[redacted]');
  }
  return `${url.slice(0, q)}?${params.toString()}`;
}

/** pino serializers for the request logs: never a token or key, even from a query string. */
export const logSerializers = {
  req(request: FastifyRequest) {
    return { method: request.method, url: redactUrl(request.url), remoteAddress: request.ip };
  },
};
