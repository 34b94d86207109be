/**
 * The ceiling: a bare Fastify route answering a fixed JSON of `BARE_BYTES` bytes to any GET or POST,
 * JSON bodies parsed as Fastify does by default. Prints `listening on <url>`.
 */
import Fastify from 'fastify';
import { fixedAnswer } from './bare-answer.js';

const answer = fixedAnswer(Number(process.env.BARE_BYTES ?? 1500));
const app = Fastify({ logger: false });
app.route({
  method: ['GET', 'POST'],
  url: '/*',
  handler: async (_request, reply) => reply.header('content-type', 'application/json; charset=utf-8').send(answer),
});
const url = await app.listen({ port: 0, host: '127.0.0.1' });
console.log(`listening on ${url}`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
