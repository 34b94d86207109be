import type { Answers } from './contract.generated.js';
import { toTransport, type Envelope, type Transport, type TransportOptions } from './transport.js';
import type { WebhookEvent } from './webhooks.js';

/** A registered endpoint (`events`: `*` or event types, comma-separated); `secret` only in the answer that created it. */
export type WebhookEndpoint = Omit<Answers['/webhooks/v1/createEndpoint']['data'], 'secret'>;

/**
 * The webhook extension (docs/webhooks.md): endpoints, and the events feed that lets a receiver catch up.
 * Signed with the token subject `siteSign`.
 */
export class WebhookClient {
  readonly #transport: Transport;

  constructor(transport: Transport | TransportOptions) {
    this.#transport = toTransport(transport);
  }

  /**
   * Registers an endpoint for all events (`*`, default) or some; answers its signing secret, once.
   *
   * @example
   * const { data } = await client.webhooks.createEndpoint({ url: 'https://crm.example.com/hooks' });
   * saveSecret(data.secret);
   */
  createEndpoint(params: { url: string; events?: string }): Promise<Answers['/webhooks/v1/createEndpoint']> {
    return this.#transport.call({ endpoint: '/webhooks/v1/createEndpoint', subject: 'siteSign', params });
  }

  /**
   * The site's endpoints (without secrets).
   *
   * @example
   * const { data } = await client.webhooks.listEndpoints();
   */
  listEndpoints(): Promise<Answers['/webhooks/v1/listEndpoints']> {
    return this.#transport.call({ endpoint: '/webhooks/v1/listEndpoints', subject: 'siteSign', params: {} });
  }

  /**
   * Stops sending to an endpoint.
   *
   * @example
   * await client.webhooks.deleteEndpoint({ id: 3 });
   */
  deleteEndpoint(params: { id: number }): Promise<Envelope> {
    return this.#transport.call({ endpoint: '/webhooks/v1/deleteEndpoint', subject: 'siteSign', params });
  }

  /**
   * The site's events after `after` (a `seq` already seen), in order — the same objects the deliveries
   * carry — and the newest `seq` (`lastSeq`).
   *
   * @example
   * let after = loadLastSeq();
   * const { data, lastSeq } = await client.webhooks.events({ after });
   * for (const event of data) handle(event);
   */
  events(
    params: { after?: number; limit?: number } = {},
  ): Promise<Omit<Answers['/webhooks/v1/events'], 'data'> & { data: WebhookEvent[] }> {
    return this.#transport.call({ endpoint: '/webhooks/v1/events', subject: 'siteSign', params });
  }
}
