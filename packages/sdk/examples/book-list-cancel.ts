/**
 * Books a meeting, lists the user's scheduled meetings, and cancels the booking.
 *
 *   HUIGUAN_URL=http://127.0.0.1:8080 HUIGUAN_SITE_SIGN=demo HUIGUAN_API_KEY=… \
 *     node --import tsx packages/sdk/examples/book-list-cancel.ts
 *
 * Optional: HUIGUAN_USER_ID (default `sdk-example`).
 */
import { ApiError, HuiguanClient, meetingTimes, TransportError } from '@huiguan/sdk';

function env(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`set ${name} (HUIGUAN_URL, HUIGUAN_SITE_SIGN and HUIGUAN_API_KEY are required)`);
    process.exit(2);
  }
  return value;
}

const client = new HuiguanClient({
  baseUrl: env('HUIGUAN_URL'),
  siteSign: env('HUIGUAN_SITE_SIGN'),
  apiKey: env('HUIGUAN_API_KEY'),
});
const userId = process.env.HUIGUAN_USER_ID || 'sdk-example';

async function main(): Promise<void> {
  // Tomorrow at this hour, on the minute.
  const startTime = new Date(Math.ceil((Date.now() + 24 * 3_600_000) / 60_000) * 60_000);
  const { data: meeting } = await client.meetings.reserve({
    userId,
    userName: 'SDK Example',
    confName: 'SDK example meeting',
    startTime,
    duration: 30,
    confParties: 2,
  });
  const { start, end } = meetingTimes(meeting);
  console.log(
    `booked: confId=${meeting.confId} confNumber=${meeting.confNumber} ${start.toISOString()} – ${end.toISOString()}`,
  );
  console.log(`  host starts at ${meeting.hostStartUrl}`);
  console.log(`  others join at ${meeting.joinUrl}`);

  const list = await client.meetings.listScheduled({ userId, pageSize: 100 });
  console.log(`scheduled for ${userId}: ${list.totalItems}`);
  for (const m of list.data.confInfo)
    console.log(`  ${m.confNumber}  ${m.startTime} GMT  ${m.duration} min  ${m.confName}`);

  await client.meetings.cancel({ userId, confId: meeting.confId });
  const { data: cancelled } = await client.meetings.detail({ userId, confId: meeting.confId });
  console.log(`cancelled: confId=${cancelled.confId} confStatus=${cancelled.confStatus}`);
}

main().catch((err: unknown) => {
  if (err instanceof ApiError) console.error(`refused by ${err.endpoint}: status ${err.status}: ${err.message}`);
  else if (err instanceof TransportError) console.error(`no answer from the server: ${err.message}`);
  else console.error(err);
  process.exit(1);
});
