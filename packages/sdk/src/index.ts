export { HuiguanClient } from './huiguan-client.js';
export { UserClient } from './user-client.js';
export { MeetingClient } from './meeting-client.js';
export { LiveClient } from './live-client.js';
export { RegistrationClient } from './registration-client.js';
export { StatisticsClient } from './statistics-client.js';
export { RecordingClient } from './recording-client.js';
export { HostClient } from './host-client.js';
export { WebhookClient, type WebhookEndpoint } from './webhook-client.js';
export { MediaClient } from './media-client.js';
export { Transport, computeToken, toTransport } from './transport.js';
export type { Envelope, Params, TokenSubject, TransportOptions, TransportRequest } from './transport.js';
export { ApiError, Status, TransportError } from './errors.js';
export type { StatusCode } from './errors.js';
export { formatDate, formatDateTime, meetingTimes, parseDate, parseDateTime, parseOptionalDateTime } from './time.js';
export type { MeetingTimes, TimeInput } from './time.js';
export { SIGNATURE_HEADER, signWebhook, verifyWebhook, WebhookVerificationError } from './webhooks.js';
export type {
  MeetingBooking,
  VerifyWebhookOptions,
  WebhookEvent,
  WebhookEventType,
  WebhookPayloads,
} from './webhooks.js';
export { ConfStatus } from './types.js';
export type * from './types.js';
