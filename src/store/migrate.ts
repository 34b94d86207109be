import { Migrator, type Migration, type MigrationResultSet } from 'kysely';
import type { Store } from './connect.js';
import * as foundation from './migrations/0001-foundation.js';
import * as lifecycle from './migrations/0002-lifecycle.js';
import * as registrationStatistics from './migrations/0003-registration-statistics.js';
import * as recordings from './migrations/0004-recordings.js';
import * as webhooks from './migrations/0005-webhooks.js';
import * as webmRecordings from './migrations/0006-webm-recordings.js';
import * as meetingDayCounts from './migrations/0007-meeting-day-counts.js';
import * as usedTokensByTime from './migrations/0008-used-tokens-by-time.js';
import * as occupancyIndex from './migrations/0009-occupancy-index.js';
import * as rateCounters from './migrations/0010-rate-counters.js';
import * as entryGuarding from './migrations/0011-entry-guarding.js';
import * as recordingUploads from './migrations/0012-recording-uploads.js';
import * as sfuRooms from './migrations/0013-sfu-rooms.js';
import * as sfuRecordings from './migrations/0014-sfu-recordings.js';
import * as liveStreams from './migrations/0015-live-streams.js';
import * as occupancyTimeline from './migrations/0016-occupancy-timeline.js';
import * as consoleAccounts from './migrations/0017-console-accounts.js';
import * as roomChat from './migrations/0018-room-chat.js';

/** Every migration, in order. Names never change once released. */
export const migrations: Record<string, Migration> = {
  '0001-foundation': foundation,
  '0002-lifecycle': lifecycle,
  '0003-registration-statistics': registrationStatistics,
  '0004-recordings': recordings,
  '0005-webhooks': webhooks,
  '0006-webm-recordings': webmRecordings,
  '0007-meeting-day-counts': meetingDayCounts,
  '0008-used-tokens-by-time': usedTokensByTime,
  '0009-occupancy-index': occupancyIndex,
  '0010-rate-counters': rateCounters,
  '0011-entry-guarding': entryGuarding,
  '0012-recording-uploads': recordingUploads,
  '0013-sfu-rooms': sfuRooms,
  '0014-sfu-recordings': sfuRecordings,
  '0015-live-streams': liveStreams,
  '0016-occupancy-timeline': occupancyTimeline,
  '0017-console-accounts': consoleAccounts,
  '0018-room-chat': roomChat,
};

/** Applies every pending migration; safe to run from several processes at once (Kysely locks). */
export async function migrateToLatest({ db, schema }: Pick<Store, 'db' | 'schema'>): Promise<string[]> {
  // The schema is named explicitly, and the store's introspector reads that schema only
  // (`pg-introspector.ts`): Kysely's check for its own table must not see, or trip over, other schemas.
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${String(result.error)}`, {
      cause: result.error,
    });
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
