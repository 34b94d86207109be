/**
 * The document as `/docs` shows it (Swagger UI's `/docs/json`), made for trying calls by hand; `/openapi.json`
 * stays the whole contract (every route on GET and POST, for tools and the SDK):
 * - each endpoint once, with the method its document gives (NOTES.md; docs/webhooks.md for the webhooks feed);
 * - no field filled in before the reader types: defaults move into the descriptions, and every field starts
 *   empty, so that "Try it out" sends only what was typed (a booking with the required fields only succeeds);
 * - `siteSign`, `timeStamp` and `token` are not fields: "Authorize" takes the API key and the siteSign once, and
 *   signer.js adds all three to every call, with a fresh timeStamp.
 */

// The generated document is as loosely typed as JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

/** Endpoints the documents give as GET; every other one that answers both is documented as POST. */
export const DOCUMENTED_GET: ReadonlySet<string> = new Set([
  '/openapi/v2/getConfDetailByConfId',
  '/openapi/v2/getConfLogListByConfId',
  '/openapi/v2/getConfLogListByConfId2',
  '/openapi/v2/getRegistrants',
  '/webhooks/v1/events',
]);

/** The parameters signer.js sends: never typed per call. */
const SIGNED = new Set(['siteSign', 'timeStamp', 'token']);

/**
 * Query parameters Swagger UI fills from "Authorize"; signer.js takes them out of the request, signs it and never
 * sends the key.
 */
export const AUTHORIZE = { apiKey: 'huiguanApiKey', siteSign: 'huiguanSiteSign' } as const;

const SECURITY_SCHEMES = {
  apiKey: {
    type: 'apiKey',
    in: 'query',
    name: AUTHORIZE.apiKey,
    description:
      'Your site’s API key. It stays in this page: each call is signed with it, `token = upper(hex(md5("<subject>|<APIKey>|<timeStamp>")))` with a fresh `timeStamp`, and the key itself is never sent.',
  },
  siteSign: {
    type: 'apiKey',
    in: 'query',
    name: AUTHORIZE.siteSign,
    description: 'Your siteSign, sent as `siteSign` with each call.',
  },
} as const;

/** The /docs page's document, from a copy of `/openapi.json`'s (changed in place). */
export function docsPageSpecification(doc: Json): Json {
  doc.components = { ...doc.components, securitySchemes: SECURITY_SCHEMES };
  for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
    if (item.get && item.post) delete item[DOCUMENTED_GET.has(path) ? 'post' : 'get'];
    for (const op of Object.values(item) as Json[]) {
      // The GET twin's id was `<name>ViaGet`: the one left is the endpoint.
      if (typeof op.operationId === 'string') op.operationId = op.operationId.replace(/ViaGet$/, '');
      if (op.security) {
        op.security = [{ apiKey: [], siteSign: [] }];
        op.description = `${op.description ?? ''} Signed by "Authorize": siteSign, timeStamp and token are added to each call.`;
      }
      op.parameters = (op.parameters as Json[] | undefined)?.filter((p) => !(op.security && SIGNED.has(p.name)));
      for (const parameter of op.parameters ?? []) {
        delete parameter.example;
        delete parameter.examples;
        parameter.description = startEmpty(parameter.schema ?? {}, parameter.description);
      }
      for (const media of Object.values((op.requestBody?.content ?? {}) as Record<string, Json>)) {
        const schema = media.schema as Json | undefined;
        if (!schema?.properties) continue;
        if (op.security) {
          for (const name of SIGNED) delete schema.properties[name];
          schema.required = (schema.required as string[] | undefined)?.filter((n) => !SIGNED.has(n));
        }
        for (const property of Object.values(schema.properties as Record<string, Json>)) {
          property.description = startEmpty(property, property.description);
        }
      }
    }
  }
  return doc;
}

/**
 * Makes Swagger UI start a field empty: its sample would be the default, the first choice or the maximum. The
 * default is said in the description instead.
 */
function startEmpty(schema: Json, description: string | undefined): string | undefined {
  const said = description?.trim().replace(/([^.!?。])$/, '$1.');
  const text = schema.default === undefined ? description : `${said ?? ''} Default: ${JSON.stringify(schema.default)}.`;
  delete schema.default;
  delete schema.examples;
  schema.example = '';
  return text?.trim();
}
