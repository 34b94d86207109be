import type {
  ChangeDataCenterParams,
  CreateOrUpdateUserParams,
  DeleteUserParams,
  OkAnswer,
  UserAnswer,
  UserInfoAnswer,
} from './types.js';
import { toTransport, type Transport, type TransportOptions } from './transport.js';

/** The site's users: §2.17, 2.18, 2.20, 2.21. Token subject `userId`. */
export class UserClient {
  readonly #transport: Transport;

  constructor(transport: Transport | TransportOptions) {
    this.#transport = toTransport(transport);
  }

  /**
   * Creates the user or changes its name and properties (§2.17 `createOrUpdateUser`).
   *
   * @example
   * const { data } = await client.users.createOrUpdate({ userId: 'u1', userName: 'Alice', enableCloudRecord: 1 });
   */
  createOrUpdate(params: CreateOrUpdateUserParams): Promise<UserAnswer> {
    return this.#transport.call({ endpoint: 'createOrUpdateUser', subject: 'userId', params });
  }

  /**
   * Moves the user to another of the site's data-center regions (§2.18 `changeUserIdDataCenter`).
   *
   * @example
   * await client.users.changeDataCenter({ userId: 'u1', userName: 'Alice', region: 'eu' });
   */
  changeDataCenter(params: ChangeDataCenterParams): Promise<OkAnswer> {
    return this.#transport.call({ endpoint: 'changeUserIdDataCenter', subject: 'userId', params });
  }

  /**
   * Deletes the user (§2.20 `delUserByUserId`); its scheduled meetings are cancelled with `isForceDel: 1`.
   *
   * @example
   * await client.users.delete({ userId: 'u1', isForceDel: 1 });
   */
  delete(params: DeleteUserParams): Promise<OkAnswer> {
    return this.#transport.call({ endpoint: 'delUserByUserId', subject: 'userId', params });
  }

  /**
   * The user's properties, host key included (§2.21 `getUserByUserId`); `userInfo` is at the top level.
   *
   * @example
   * const { userInfo } = await client.users.get({ userId: 'u1' });
   * console.log(userInfo.hostKey);
   */
  get(params: { userId: string }): Promise<UserInfoAnswer> {
    return this.#transport.call({ endpoint: 'getUserByUserId', subject: 'userId', params });
  }
}
