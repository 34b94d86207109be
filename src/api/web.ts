import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyReply, FastifyRequest, RawRequestDefaultExpression } from 'fastify';
import Type, { type Static } from 'typebox';
import { enterMeeting, linkInfo, linkNotValid, resolveLink, type LinkKind } from '../domain/entry.js';
import { clientKey } from '../domain/entry-guard.js';
import { joinLinkByNumber } from '../domain/join-by-number.js';
import type { IceServer } from '../config.js';
import type { MeetingBus } from '../store/bus.js';
import type { Db } from '../store/database.js';
import type { TurnSettings } from '../domain/turn.js';
import type { SfuServices } from '../sfu/services.js';
import { findUserById } from '../store/users.repository.js';
import { sendPageRefusal } from './errors.js';
import { PageHub } from './page-hub.js';
import { SOCKET_LIMITS } from './socket-limits.js';

/** Where Vite puts the pages (`npm run build:web`). */
export const WEB_ROOT = fileURLToPath(new URL('../../dist/web', import.meta.url));

export interface WebDeps {
  db: Db;
  bus: MeetingBus;
  clock: () => number;
  /** STUN/TURN servers for the pages' media (`config.iceServers`). */
  iceServers: readonly IceServer[];
  /** TURN with per-participant credentials (`config.turn`). */
  turn?: TurnSettings | undefined;
  /** The SFU's services when `config.sfu` is set (api/sfu.ts); absent, the pages' media is a mesh. */
  sfu?: SfuServices | undefined;
  webRoot?: string;
}

function linkKind(kind: string): LinkKind {
  if (kind !== 's' && kind !== 'j') throw linkNotValid();
  return kind;
}

/** The front door's "join by meeting ID" (docs/web-protocol.md). */
const JoinByNumberBody = Type.Object({
  confNumber: Type.String({ pattern: '^[0-9]{10}$', description: 'the meeting number, ten digits' }),
  password: Type.Optional(Type.String({ maxLength: 32, description: 'the meeting password, if it has one' })),
});

/** Paths of the pages' links: a bad one of these gets the page (which says the link is not valid), not JSON. */
const LINK_PATH = /^\/(s|j|wc)\//;

/**
 * Fastify's `rewriteUrl`: a link path whose percent-escapes do not decode (a garbled link) goes to the page's
 * not-valid answer instead of Fastify's FST_ERR_BAD_URL JSON. The browser keeps the address it asked for, which
 * the page reads. Anything else is left as it is.
 */
export function rewriteGarbledLink(request: RawRequestDefaultExpression): string {
  const url = request.url ?? '/';
  const path = url.split('?', 1)[0]!;
  if (!path.includes('%') || !LINK_PATH.test(path)) return url;
  try {
    for (const segment of path.split('/')) decodeURIComponent(segment);
    return url;
  } catch {
    return `/${path.split('/')[1]}/`;
  }
}

/**
 * The start and join pages (docs/web-protocol.md): the page shell for every link path, its JSON calls
 * and its WebSocket.
 */
/**
 * Sends a page Vite built (`file`, under dist/web) with `status`, never cached (the pages route themselves and
 * their assets carry hashes); 503 saying `missing` when the pages were not built. `headers` adds to the answer.
 */
export async function sendBuiltPage(
  reply: FastifyReply,
  file: string,
  missing: string,
  status = 200,
  headers: Record<string, string> = {},
): Promise<FastifyReply> {
  if (!fs.existsSync(file))
    return reply.code(503).type('text/plain; charset=utf-8').send(`${missing}: run \`npm run build:web\`.`);
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .headers(headers)
    .send(await fs.promises.readFile(file));
}

export async function webRoutes(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const root = deps.webRoot ?? WEB_ROOT;
  const indexFile = path.join(root, 'index.html');
  const hub = new PageHub({
    db: deps.db,
    bus: deps.bus,
    clock: deps.clock,
    log: app.log,
    iceServers: deps.iceServers,
    turn: deps.turn,
    sfu: deps.sfu,
  });
  app.addHook('preClose', async () => hub.close());

  await app.register(websocket, { options: { maxPayload: SOCKET_LIMITS.maxMessageBytes } });
  if (fs.existsSync(path.join(root, 'assets'))) {
    await app.register(fastifyStatic, {
      root: path.join(root, 'assets'),
      prefix: '/assets/',
      immutable: true,
      maxAge: '365d',
    });
  }

  const page = (reply: FastifyReply, status: number) =>
    sendBuiltPage(reply, indexFile, 'The meeting pages are not built', status);
  // The front door (web/src/home.ts).
  app.get('/', async (_request, reply) => page(reply, 200));
  // A link's page, whatever its secret (the page asks whether it is good); one with an empty part is none.
  const shell = async (
    request: FastifyRequest<{ Params: { confNumber: string; secret: string } }>,
    reply: FastifyReply,
  ) => page(reply, request.params.confNumber && request.params.secret ? 200 : 404);
  app.get('/s/:confNumber/:secret', shell);
  app.get('/j/:confNumber/:secret', shell);
  app.get('/wc/join/:confNumber/:secret', shell);
  // Links cut short or garbled (rewriteGarbledLink): the page says the link is not valid.
  const notALink = async (_request: unknown, reply: FastifyReply) => page(reply, 404);
  app.get('/s/*', notALink);
  app.get('/j/*', notALink);
  app.get('/wc/*', notALink);

  app.post<{ Body: Static<typeof JoinByNumberBody> }>(
    '/web/v1/join-by-number',
    { schema: { body: JoinByNumberBody }, attachValidation: true },
    async (request, reply) => {
      if (request.validationError) {
        return reply.code(400).send({
          error: 'bad_number',
          message: '会议号是 10 位数字 (a meeting number is 10 digits; a password at most 32 characters)',
        });
      }
      const input = {
        confNumber: request.body.confNumber,
        password: request.body.password ?? '',
        client: clientKey(request.ip),
      };
      try {
        const found = await deps.db.transaction().execute((trx) => joinLinkByNumber(trx, input, deps.clock()));
        // A refused guess is answered only now that its count is committed.
        if ('refusal' in found) throw found.refusal;
        return { path: `/j/${found.confNumber}/${found.secret}` };
      } catch (err) {
        return sendPageRefusal(reply, err);
      }
    },
  );

  app.get<{ Params: { kind: string; confNumber: string; secret: string } }>(
    '/web/v1/links/:kind/:confNumber/:secret',
    async (request, reply) => {
      try {
        const link = await resolveLink(
          deps.db,
          linkKind(request.params.kind),
          request.params.confNumber,
          request.params.secret,
        );
        const host = await findUserById(deps.db, link.meeting.user_pk);
        return linkInfo(link, host!, deps.clock());
      } catch (err) {
        return sendPageRefusal(reply, err);
      }
    },
  );

  app.post<{ Params: { kind: string; confNumber: string; secret: string }; Body: unknown }>(
    '/web/v1/links/:kind/:confNumber/:secret/enter',
    async (request, reply) => {
      const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<
        string,
        unknown
      >;
      const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
      const name = typeof body.name === 'string' ? body.name.trim() : '';
      const password = text(body.password);
      try {
        const entry = await deps.db.transaction().execute(async (trx) => {
          const link = await resolveLink(
            trx,
            linkKind(request.params.kind),
            request.params.confNumber,
            request.params.secret,
          );
          const host = await findUserById(trx, link.meeting.user_pk);
          const input = {
            name,
            password,
            hostKey: text(body.hostKey)?.trim(),
            tk: text(body.tk),
            client: clientKey(request.ip),
          };
          return enterMeeting(trx, link, host!, input, deps.clock());
        });
        // A refused guess is answered only now that its count is committed.
        if ('refusal' in entry) throw entry.refusal;
        const { ticket } = entry;
        await deps.bus.publish(ticket.meeting_id);
        return { ticket: ticket.token, state: ticket.state };
      } catch (err) {
        return sendPageRefusal(reply, err);
      }
    },
  );

  app.get<{ Querystring: { ticket?: string } }>('/web/v1/ws', { websocket: true }, (socket, request) => {
    void hub.connect(socket, String(request.query.ticket ?? ''), {
      ip: request.ip,
      userAgent: request.headers['user-agent'],
    });
  });
}
