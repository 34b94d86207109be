import type { Kysely } from 'kysely';

/**
 * The site's occupancy (licence checks, getReMainNumPartis) is read from one index: every column the
 * overlap query filters on or returns is in it, so the scan over the windows starting up to two days
 * before the range (the longest window) reads no table row. It replaces `meetings_site_window`.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('meetings_site_occupancy')
    .on('meetings')
    .columns(['site_id', 'conf_status', 'window_start', 'window_end', 'conf_del_flag', 'conf_parties', 'id'])
    .execute();
  await db.schema.dropIndex('meetings_site_window').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('meetings_site_window')
    .on('meetings')
    .columns(['site_id', 'conf_status', 'window_start'])
    .execute();
  await db.schema.dropIndex('meetings_site_occupancy').execute();
}
