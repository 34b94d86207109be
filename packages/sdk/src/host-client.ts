import type {
  ChangeRcPortParams,
  HostKeyAnswer,
  HostKeyParams,
  OkAnswer,
  RegenerateHostKeyAnswer,
  RegenerateHostKeyParams,
} from './types.js';
import { toTransport, type Transport, type TransportOptions } from './transport.js';

/** Host keys and hardware rooms: §2.25 (token subject `userId`) and §2.29 (`confNumber`). */
export class HostClient {
  readonly #transport: Transport;

  constructor(transport: Transport | TransportOptions) {
    this.#transport = toTransport(transport);
  }

  /**
   * Limits the meeting to one H.323/SIP device (`rcPort: 1`) or lifts the limit (0) (§2.25 `changeRcPort`).
   *
   * @example
   * await client.hosts.changeRcPort({ userId: 'u1', confNumber: '1234567890', rcPort: 1 });
   */
  changeRcPort(params: ChangeRcPortParams): Promise<OkAnswer> {
    return this.#transport.call({ endpoint: 'changeRcPort', subject: 'userId', params });
  }

  /**
   * The host key of the meeting's host (§2.29 `getHostKeyByConfNumber`, token subject `confNumber`).
   *
   * @example
   * const { data } = await client.hosts.getHostKey({ confNumber: '1234567890' });
   * console.log(data.hostKey);
   */
  getHostKey(params: HostKeyParams): Promise<HostKeyAnswer> {
    return this.#transport.call({ endpoint: 'getHostKeyByConfNumber', subject: 'confNumber', params });
  }

  /**
   * Extension (not in the vendor document): gives the user a new host key; the old one stops working on all
   * their meetings at once (`regenerateHostKey`, token subject `userId`).
   *
   * @example
   * const { data } = await client.hosts.regenerateHostKey({ userId: 'u1' });
   * console.log(data.hostKey);
   */
  regenerateHostKey(params: RegenerateHostKeyParams): Promise<RegenerateHostKeyAnswer> {
    return this.#transport.call({ endpoint: 'regenerateHostKey', subject: 'userId', params });
  }
}
