import type {
  AddRegistrantAnswer,
  AddRegistrantParams,
  GetRegistrantsParams,
  OkAnswer,
  RegistrantAnswer,
  RegistrantListAnswer,
  UpdateQuestionsParams,
  UpdateRegistrantStatusParams,
} from './types.js';
import { toTransport, type Transport, type TransportOptions } from './transport.js';

/**
 * Registration: §3.31–3.33 and the extension `updateRegistrantStatus`. Token subject `userId`; the
 * document's snake_case names are kept. Question lists travel as JSON text in the form.
 */
export class RegistrationClient {
  readonly #transport: Transport;

  constructor(transport: Transport | TransportOptions) {
    this.#transport = toTransport(transport);
  }

  /**
   * Sets the meeting's registration questions (§3.31 `updateRegistrationQuestions`); a list not given
   * stays as it was.
   *
   * @example
   * await client.registration.updateQuestions({
   *   userId: 'u1', confId: 42,
   *   questions: [{ field_name: 'org', required: true }],
   *   custom_questions: [{ title: 'Diet?', type: 'single', answers: ['none', 'vegan'], required: false }],
   * });
   */
  updateQuestions(params: UpdateQuestionsParams): Promise<OkAnswer> {
    return this.#transport.call({ endpoint: 'updateRegistrationQuestions', subject: 'userId', params });
  }

  /**
   * Registers a person (§3.32 `addRegistrant`); the same email again answers the same registration.
   *
   * @example
   * const { data } = await client.registration.addRegistrant({ userId: 'u1', confId: 42, first_name: 'Jill',
   *   email: 'jill@example.com', custom_questions: [{ title: 'Diet?', value: 'vegan' }] });
   * console.log(data.join_url);
   */
  addRegistrant(params: AddRegistrantParams): Promise<AddRegistrantAnswer> {
    return this.#transport.call({ endpoint: 'addRegistrant', subject: 'userId', params });
  }

  /**
   * The meeting's registrants in one status, `approved` by default (§3.33 `getRegistrants`); 707 once
   * the meeting has ended.
   *
   * @example
   * const { data } = await client.registration.getRegistrants({ userId: 'u1', confId: 42, status: 'pending' });
   */
  getRegistrants(params: GetRegistrantsParams): Promise<RegistrantListAnswer> {
    return this.#transport.call({ endpoint: 'getRegistrants', subject: 'userId', params });
  }

  /**
   * Approves or denies a registrant (extension `updateRegistrantStatus`, not in the vendor document).
   *
   * @example
   * await client.registration.updateRegistrantStatus({ userId: 'u1', confId: 42, registrantId, status: 'approved' });
   */
  updateRegistrantStatus(params: UpdateRegistrantStatusParams): Promise<RegistrantAnswer> {
    return this.#transport.call({ endpoint: 'updateRegistrantStatus', subject: 'userId', params });
  }
}
