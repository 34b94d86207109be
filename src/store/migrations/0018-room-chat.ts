import type { Kysely } from 'kysely';

/**
 * The room's chat and the host role handed over (issue 17):
 * - `chat_messages`: what was said in a meeting session's chat, by whom (participant id and name), when;
 * - `sessions.host_handed_to`: the participant id the host role was last handed to in the session, null when
 *   it never was (the host link's holder entering again takes it back);
 * - `tickets.hand_raised_at`: when the ticket's person raised their hand, null while it is down.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('chat_messages')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('site_id', 'bigint', (c) => c.notNull().references('sites.id'))
    .addColumn('meeting_id', 'bigint', (c) => c.notNull().references('meetings.id'))
    .addColumn('session_id', 'bigint', (c) => c.notNull().references('sessions.id'))
    .addColumn('sender_cuid', 'varchar(64)', (c) => c.notNull())
    .addColumn('sender_name', 'varchar(200)', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('chat_messages_session').on('chat_messages').columns(['session_id', 'sent_at']).execute();
  await db.schema.createIndex('chat_messages_meeting').on('chat_messages').columns(['meeting_id', 'sent_at']).execute();
  await db.schema.alterTable('sessions').addColumn('host_handed_to', 'varchar(64)').execute();
  await db.schema.alterTable('tickets').addColumn('hand_raised_at', 'bigint').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tickets').dropColumn('hand_raised_at').execute();
  await db.schema.alterTable('sessions').dropColumn('host_handed_to').execute();
  await db.schema.dropTable('chat_messages').execute();
}
