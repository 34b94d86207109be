/**
 * The ceiling without a framework: `node:http` answering a fixed JSON of `BARE_BYTES` bytes after
 * reading the request body. Prints `listening on <url>`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fixedAnswer } from './bare-answer.js';

const answer = Buffer.from(fixedAnswer(Number(process.env.BARE_BYTES ?? 1500)));
const server = http.createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': answer.length });
    response.end(answer);
  });
});
server.listen(0, '127.0.0.1', () =>
  console.log(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`),
);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
