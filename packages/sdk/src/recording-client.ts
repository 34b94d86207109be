import type { CloudFileListAnswer, CloudFileListParams } from './types.js';
import { toTransport, type Transport, type TransportOptions } from './transport.js';

/** Cloud recordings: §2.19. Token subject `confNo`. */
export class RecordingClient {
  readonly #transport: Transport;

  constructor(transport: Transport | TransportOptions) {
    this.#transport = toTransport(transport);
  }

  /**
   * The meeting's cloud recordings with signed, time-limited download and play links (§2.19
   * `getCloudFileList`).
   *
   * @example
   * const { recordCount, data } = await client.recordings.list({ confNo: '1234567890' });
   * for (const file of data) console.log(file.fileType, file.fileSize, file.downloadUrl);
   */
  list(params: CloudFileListParams): Promise<CloudFileListAnswer> {
    return this.#transport.call({ endpoint: 'getCloudFileList', subject: 'confNo', params });
  }
}
