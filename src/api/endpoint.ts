import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static, TObject, TSchema } from 'typebox';
import { ApiError, Code } from '../domain/errors.js';
import { siteUsable } from '../domain/sites.js';
import { computeToken, tokenMatches } from '../domain/token.js';
import type { Db, SiteRow } from '../store/database.js';
import { findSiteBySign } from '../store/sites.repository.js';
import type { TokenLedger } from '../store/token-ledger.js';
import { claimToken } from '../store/tokens.repository.js';
import { tokenSubjects } from './openapi.js';
import { mergeParams } from './params.js';
import type { SiteRateLimit } from './security.js';
import type { AuthParams } from './schemas.js';

/** What every endpoint handler needs from the application. */
export interface EndpointDeps {
  db: Db;
  /** Current time in epoch ms; tests substitute their own clock. */
  clock: () => number;
  /** Accepted distance between `timeStamp` and the clock, ms. */
  tokenWindowMs: number;
  /** Calls per site and minute; none when rate limits are off. */
  siteRateLimit?: SiteRateLimit | undefined;
  /** Where read endpoints claim their tokens, in batches. */
  tokens: TokenLedger;
}

/** Which parameter signs the token (NOTES.md endpoint index). */
export type TokenSubject = 'userId' | 'confNo' | 'confNumber' | 'siteSign';

export interface EndpointContext<P> extends SignedContext {
  params: P;
  request: FastifyRequest;
}

export interface SignedContext {
  /**
   * A write endpoint's transaction: every read and write of the handler goes through it. For a read
   * endpoint, the database itself (no transaction).
   */
  db: Db;
  site: SiteRow;
  now: number;
  /** Runs `task` once the transaction has committed (e.g. announcing a presence change). */
  afterCommit(task: () => Promise<void>): void;
}

export interface EndpointDefinition<S extends TObject, R extends TSchema> {
  /** Path segment after `/openapi/v2/`. */
  name: string;
  /** Full path instead of `/openapi/v2/<name>` (the media-plane API). */
  url?: string;
  /** The document's section, e.g. "2.17". */
  section: string;
  summary: string;
  subject: TokenSubject;
  /**
   * `read`: the handler only reads, outside a transaction, after its token was claimed in a batch
   * with other requests' (see {@link runSigned}). Default `write`.
   */
  access?: 'read' | 'write';
  /** All parameters, authentication ones included (see `endpointParams`). */
  params: S;
  /** The success answer (`contract/answers.ts`): the handler's return type, and how it is serialised. */
  answer: R;
  handler: (ctx: EndpointContext<Static<S>>) => Promise<Static<R>>;
}

/** The success envelope: `{status: 100, message: "success", ...fields}`. */
export function ok<F extends object = Record<never, never>>(
  fields: F = {} as F,
): { status: typeof Code.ok; message: string } & F {
  return { status: Code.ok, message: 'success', ...fields };
}

/**
 * How an endpoint's answers are serialised (fast-json-stringify): its success answer, with `status` and
 * `message` open to the refusals, which answer HTTP 200 too (`{status, message}`, nothing else required).
 */
export function wireSchema(answer: TSchema): TSchema {
  const object = answer as TSchema & { properties: Record<string, TSchema> };
  return {
    ...object,
    properties: { ...object.properties, status: { type: 'integer' }, message: { type: 'string' } },
    required: ['status', 'message'],
  } as TSchema;
}

/**
 * Registers `/openapi/v2/<name>` for GET and POST. Before the handler runs: parameters merged and
 * validated (109), site usable (106), timeStamp inside the window (704), token correct (102); then,
 * in one transaction with the handler, the token is claimed (704 if used before). A refusal thrown by
 * the handler rolls the transaction back, token claim included: a refused request changes nothing.
 */
export function defineEndpoint<S extends TObject, R extends TSchema>(
  app: FastifyInstance,
  deps: EndpointDeps,
  def: EndpointDefinition<S, R>,
): void {
  const url = def.url ?? `${API_PREFIX}${def.name}`;
  tokenSubjects.set(url, def.subject);
  endpointSchemas.set(def.url ?? def.name, { section: def.section, summary: def.summary, params: def.params });
  const route = {
    method: ['GET', 'POST'],
    schema: {
      querystring: def.params,
      response: { 200: wireSchema(def.answer) },
      summary: def.summary,
      description: `§${def.section}`,
    },
    preValidation: mergeParams,
    handler: async (request: FastifyRequest) => {
      // The querystring schema validated and coerced these: they are Static<S>. The TypeBox type provider
      // cannot say so here, where S is generic (its `S extends TSchema ? Static<S> : unknown` stays deferred);
      // every handler still receives them typed as Static<S> through EndpointContext.
      const params = request.query as Static<S> & AuthParams;
      return runSigned(
        deps,
        def.subject,
        params,
        (ctx) => def.handler({ ...ctx, params, request }),
        request,
        def.access,
      );
    },
  };
  app.route({ ...route, url });
  // Extension: integrations written against the vendor's earlier version call /openapi/v1/<name> with the
  // same names; no v1 document is known, so v1 answers exactly as v2 (docs/decisions.md).
  if (def.url === undefined) app.route({ ...route, url: `${V1_ALIAS_PREFIX}${def.name}` });
}

/**
 * Each endpoint's parameter schema (authentication parameters included), section and summary, by the key of its
 * answer in `contract/answers.ts`: the name under /openapi/v2/, the path elsewhere. Kept by {@link defineEndpoint}
 * for the SDK's generated parameter types (`scripts/sdk-contract.ts`).
 */
export const endpointSchemas = new Map<string, { section: string; summary: string; params: TObject }>();

/** Where the API's endpoints live. */
export const API_PREFIX = '/openapi/v2/';
/** Extension: the earlier version's prefix, an alias of {@link API_PREFIX} for every endpoint. */
export const V1_ALIAS_PREFIX = '/openapi/v1/';

/**
 * Runs `work` for a signed request: site usable (106), timeStamp inside the window (704), token
 * correct (102); then the token is claimed (704 if used before).
 *
 * - `write` (default): the claim and `work` share one transaction, so a refusal thrown by `work`
 *   rolls back the claim with everything else.
 * - `read`: the claim goes through the batching {@link TokenLedger} first, then `work` runs on the
 *   database without a transaction; a refusal thrown by `work` gives the token back. Either way a
 *   refused request leaves the token unused, and a used token is refused before anything runs.
 */
export async function runSigned<T>(
  deps: EndpointDeps,
  subject: TokenSubject,
  params: AuthParams,
  work: (ctx: SignedContext) => Promise<T>,
  request: FastifyRequest,
  access: 'read' | 'write' = 'write',
): Promise<T> {
  const now = deps.clock();
  const site = await authenticate(deps, subject, params, now);
  await deps.siteRateLimit?.take(site.site_sign, now);
  const claim = { time_stamp: Number(params.timeStamp), token: params.token.toUpperCase(), site_id: site.id };
  const tasks: (() => Promise<void>)[] = [];
  const afterCommit = (task: () => Promise<void>) => tasks.push(task);
  let result: T;
  if (access === 'read') {
    if (!(await deps.tokens.claim(claim))) throw tokenUsed();
    try {
      result = await work({ db: deps.db, site, now, afterCommit });
    } catch (err) {
      if (err instanceof ApiError) await deps.tokens.release(claim);
      throw err;
    }
  } else {
    result = await deps.db.transaction().execute(async (trx) => {
      if (!(await claimToken(trx, claim))) throw tokenUsed();
      return work({ db: trx, site, now, afterCommit });
    });
  }
  for (const task of tasks) await task().catch((err: unknown) => request.log.warn({ err }, 'after-commit task failed'));
  return result;
}

function tokenUsed(): ApiError {
  return new ApiError(Code.tokenExpired, 'token 已使用 (token already used; make a new one for each request)');
}

async function authenticate(
  deps: EndpointDeps,
  subject: TokenSubject,
  params: AuthParams,
  now: number,
): Promise<SiteRow> {
  const site = await findSiteBySign(deps.db, params.siteSign);
  if (!site || !siteUsable(site, now)) {
    throw new ApiError(Code.siteInvalid, `站点无效 (siteSign "${params.siteSign}" names no active site)`);
  }
  const timeStamp = Number(params.timeStamp);
  if (Math.abs(now - timeStamp) > deps.tokenWindowMs) {
    throw new ApiError(
      Code.tokenExpired,
      `token 已过期 (timeStamp is ${Math.round((timeStamp - now) / 1000)} s from the server's time; the window is ±${deps.tokenWindowMs / 1000} s)`,
    );
  }
  const subjectValue = String((params as unknown as Record<string, unknown>)[subject] ?? '');
  if (!tokenMatches(params.token, computeToken(subjectValue, site.api_key, params.timeStamp))) {
    throw new ApiError(Code.authFailed, `权限验证失败 (token does not match md5("${subject}|APIKey|timeStamp"))`);
  }
  return site;
}
