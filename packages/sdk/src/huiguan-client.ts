import { HostClient } from './host-client.js';
import { WebhookClient } from './webhook-client.js';
import { LiveClient } from './live-client.js';
import { MediaClient } from './media-client.js';
import { MeetingClient } from './meeting-client.js';
import { RecordingClient } from './recording-client.js';
import { RegistrationClient } from './registration-client.js';
import { StatisticsClient } from './statistics-client.js';
import { Transport, type TransportOptions } from './transport.js';
import { UserClient } from './user-client.js';

/**
 * Every API of a Huiguan site through one object, one client per endpoint group, all sharing one
 * {@link Transport} (so their timeStamps never collide).
 *
 * Options: `baseUrl`, `siteSign`, `apiKey` (required); `timeoutMs` (default 10 000), `fetch` (default the
 * global `fetch`), `now` (default `Date.now`).
 *
 * @example
 * const client = new HuiguanClient({ baseUrl: 'http://127.0.0.1:8080', siteSign: 'demo', apiKey: process.env.KEY! });
 * const { data } = await client.meetings.reserve({ userId: 'u1', userName: 'Alice', confName: 'Weekly',
 *   startTime: new Date(Date.now() + 3_600_000), duration: 60, confParties: 5 });
 */
export class HuiguanClient {
  readonly transport: Transport;
  /** §2.17, 2.18, 2.20, 2.21. */
  readonly users: UserClient;
  /** §2.1–2.10, 2.12, 2.16. */
  readonly meetings: MeetingClient;
  /** §2.11, 2.13–2.15, 2.26, 2.30. */
  readonly live: LiveClient;
  /** §3.31–3.33 and `updateRegistrantStatus`. */
  readonly registration: RegistrationClient;
  /** §2.22–2.24, 2.27, 2.28. */
  readonly statistics: StatisticsClient;
  /** §2.19. */
  readonly recordings: RecordingClient;
  /** §2.25, 2.29. */
  readonly hosts: HostClient;
  /** The media-plane API (`/media/v1/events`). */
  readonly media: MediaClient;
  /** The webhook extension: endpoints and the events feed. */
  readonly webhooks: WebhookClient;

  constructor(options: TransportOptions) {
    this.transport = new Transport(options);
    this.users = new UserClient(this.transport);
    this.meetings = new MeetingClient(this.transport);
    this.live = new LiveClient(this.transport);
    this.registration = new RegistrationClient(this.transport);
    this.statistics = new StatisticsClient(this.transport);
    this.recordings = new RecordingClient(this.transport);
    this.hosts = new HostClient(this.transport);
    this.media = new MediaClient(this.transport);
    this.webhooks = new WebhookClient(this.transport);
  }
}
