import fs from 'node:fs';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { docsPageSpecification } from './docs/page-spec.js';
import { errorCodesOf, successResponses } from './responses.js';

/** The generated document, shaped in place: its parts are as loosely typed as JSON. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type OpenApiDocument = Record<string, any>;

/** Paths of the API proper: everything else (pages, WebSocket, links) stays out of the document. */
const DOCUMENTED = /^\/(openapi\/v2|media\/v1|webhooks\/v1)\/|^\/(healthz|readyz)$/;

/** Token subject of each endpoint, kept by `defineEndpoint` for the document and for /docs. */
export const tokenSubjects = new Map<string, string>();

const TOKEN_SCHEME = {
  type: 'apiKey',
  in: 'query',
  name: 'token',
  description:
    'Each call carries `siteSign`, `timeStamp` (ms since the epoch, within ±5 minutes) and `token = upper(hex(md5("<subject>|<APIKey>|<timeStamp>")))`, ' +
    'where the subject is the value of the parameter named in the operation (userId, confNo or confNumber). A token is good for one request. ' +
    'In /docs, "Authorize" takes your API key and siteSign once: the page adds siteSign, a fresh timeStamp and the token to every call, and the key itself is never sent.',
} as const;

/**
 * The CSP of the /docs pages, in place of the global one: Swagger UI sets inline `style` attributes,
 * so styles may be inline (no hash beside 'unsafe-inline', which would void it); scripts stay strictly
 * the server's own files, and nothing is loaded from elsewhere.
 */
const DOCS_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "connect-src 'self'",
  "font-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "img-src 'self' data:",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self' 'unsafe-inline'",
].join('; ');

/** The pages' mark (web/src/view.ts's logo) as the /docs tab's icon. */
const FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#1f6feb"/>' +
  '<text x="16" y="22" font-size="17" font-weight="700" text-anchor="middle" fill="#fff" font-family="sans-serif">会</text></svg>';

type Operation = {
  operationId?: string;
  summary?: string;
  description?: string;
  parameters?: {
    name: string;
    in: string;
    required?: boolean;
    schema?: object;
    description?: string;
    example?: unknown;
  }[];
  requestBody?: object;
  responses?: Record<string, object>;
  security?: object[];
  tags?: string[];
};

/**
 * The OpenAPI 3.1 document, generated from the route schemas (`/openapi.json`), and the interactive
 * reference at `/docs`, served from the installed packages (no CDN).
 */
export async function openapiDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Huiguan — BizConf Video OpenAPI v2 (会管 API)',
        version: '2.0.0',
        description:
          'The BizConf Video "会管" REST API as served by Huiguan. Parameters may be sent in the query string, a form body or a JSON body, on GET and POST alike. ' +
          "Every answer is JSON with a numeric `status` (100 = success; the document's codes otherwise, answered with HTTP 200) and a `message`. All times are GMT.\n\n" +
          '**Extension: `/openapi/v1/<name>`.** Every endpoint below also answers at `/openapi/v1/<name>`, with the same authentication and the same answers, ' +
          "for integrations written against the vendor's earlier version (they call v1 with the same endpoint names). No v1 document is available, so v1 follows v2's semantics; " +
          'v1 behaviour that differed from v2, if any, is not reproduced. The alias paths are not listed separately (`x-path-aliases`).',
      },
      components: { securitySchemes: { bizconfToken: TOKEN_SCHEME } },
    },
    transform: ({ schema, url }) => ({ schema: { ...schema, hide: !DOCUMENTED.test(url) }, url }),
    transformObject: (documentObject) =>
      shapeDocument((documentObject as { openapiObject: OpenApiDocument }).openapiObject),
  });

  const file = (name: string) => fs.readFileSync(new URL(`./docs/${name}`, import.meta.url), 'utf8');
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: {
      docExpansion: 'list',
      deepLinking: true,
      // The API key typed into Authorize lives only as long as the page: nothing in localStorage on the
      // meeting pages' origin.
      persistAuthorization: false,
      // Runs in the page: hands each request to signer.js.
      requestInterceptor: function (req) {
        return (globalThis as unknown as { huiguanSign<R>(request: R): R }).huiguanSign(req);
      },
    },
    theme: {
      title: 'Huiguan API',
      js: ['signer.js', 'brand.js'].map((filename) => ({ filename, content: file(filename) })),
      css: [{ filename: 'docs.css', content: file('docs.css') }],
      favicon: [{ filename: 'favicon.svg', rel: 'icon', sizes: 'any', type: 'image/svg+xml', content: FAVICON }],
    },
    // The page's own document: each endpoint once, fields empty, signed by "Authorize" (docs/page-spec.ts).
    transformSpecification: (document) => docsPageSpecification(document as OpenApiDocument),
    staticCSP: DOCS_CSP,
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}

/** Per endpoint: the POST form/JSON body, unique operation ids, the answers and the token scheme. */
function shapeDocument(doc: OpenApiDocument): OpenApiDocument {
  doc['x-path-aliases'] = { '/openapi/v1/{name}': '/openapi/v2/{name}' };
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Operation>>)) {
    const segments = path.split('/').filter((p) => p !== '' && p !== 'v1' && p !== 'v2');
    const name = segments.at(-1)!;
    // /openapi/v2/x → x; /media/v1/events → mediaEvents.
    const operation = path.startsWith('/openapi/v2/')
      ? name
      : segments.map((p, i) => (i === 0 ? p : p[0]!.toUpperCase() + p.slice(1))).join('');
    const key = path.startsWith('/openapi/v2/') ? name : path;
    const answer = successResponses[key];
    const subject = tokenSubjects.get(path);
    for (const [method, shared] of Object.entries(item)) {
      // @fastify/swagger gives GET and POST of one route the same object: each gets its own.
      const op: Operation = structuredClone(shared);
      item[method] = op;
      if (subject) {
        (op as Record<string, unknown>)['x-token-subject'] = subject;
        op.security = [{ bizconfToken: [] }];
        op.description = `${op.description ?? ''} Token subject: \`${subject}\`.`.trim();
        op.tags = [
          path.startsWith('/media/')
            ? 'media plane'
            : path.startsWith('/webhooks/') || op.summary?.startsWith('Extension')
              ? 'extensions'
              : 'API',
        ];
      }
      op.operationId = method === 'post' ? operation : `${operation}ViaGet`;
      for (const p of op.parameters ?? []) {
        if (p.name === 'timeStamp') p.example = '0';
      }
      if (path === '/media/v1/recordings') {
        // The body is the file itself; the parameters stay in the query string.
        op.requestBody = {
          required: true,
          content: Object.fromEntries(
            ['video/mp4', 'audio/mp4', 'audio/x-m4a', 'application/octet-stream'].map((t) => [
              t,
              { schema: { type: 'string', format: 'binary' } },
            ]),
          ),
        };
      } else if (method === 'post' && op.parameters?.length && !op.requestBody) {
        op.requestBody = formBody(op.parameters);
        delete op.parameters;
      }
      if (answer) op.responses = responses(answer, errorCodesOf(key));
    }
  }
  return doc;
}

function formBody(parameters: NonNullable<Operation['parameters']>) {
  const schema = {
    type: 'object',
    properties: Object.fromEntries(
      parameters.map((p) => [p.name, { ...p.schema, ...(p.description ? { description: p.description } : {}) }]),
    ),
    required: parameters.filter((p) => p.required).map((p) => p.name),
  };
  return {
    required: true,
    content: { 'application/x-www-form-urlencoded': { schema }, 'application/json': { schema } },
  };
}

function responses(success: object, codes: number[]) {
  const error = {
    type: 'object',
    required: ['status', 'message'],
    properties: {
      status: { type: 'integer', enum: codes, description: 'the document’s code (§1.2)' },
      message: { type: 'string', description: 'names the parameter at fault and what was expected' },
    },
  };
  return {
    '200': {
      description: `Success (status 100), or a refusal with one of the codes ${codes.join(', ')}, also with HTTP 200 as the vendor does.`,
      content: { 'application/json': { schema: { oneOf: [success, error] } } },
    },
    '400': { description: 'Malformed body (status 109)', content: { 'application/json': { schema: error } } },
  };
}

export type { RouteOptions };
