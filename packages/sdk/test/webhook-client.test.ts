import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../src/index.js';
import { minutesFromNow, startServer, type SdkTestServer } from './server.js';

let server: SdkTestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => server.close());

describe('WebhookClient', () => {
  it('registers an endpoint and catches up on events through the feed', async () => {
    const { client } = await server.siteClient();
    const created = await client.webhooks.createEndpoint({
      url: 'https://crm.example.test/hooks',
      events: 'registrant.created',
    });
    expect(created.data.secret).toMatch(/^[0-9a-f]{64}$/);
    expect((await client.webhooks.listEndpoints()).data.map((e) => e.url)).toEqual(['https://crm.example.test/hooks']);

    const meeting = await client.meetings.reserve({
      userId: 'u1',
      userName: 'U',
      confName: 'feed',
      startTime: minutesFromNow(60),
      duration: 30,
      confParties: 5,
    });
    await client.registration.addRegistrant({
      userId: 'u1',
      confId: meeting.data.confId,
      first_name: 'A',
      email: 'a@example.com',
    });
    await client.registration.addRegistrant({
      userId: 'u1',
      confId: meeting.data.confId,
      first_name: 'B',
      email: 'b@example.com',
    });
    const all = await client.webhooks.events();
    expect(all.lastSeq).toBe(3);
    expect(all.data.map((e) => e.type)).toEqual(['meeting.created', 'registrant.created', 'registrant.created']);
    const booked = all.data[0]!;
    if (booked.type !== 'meeting.created') throw new Error(booked.type);
    expect(booked.data).toMatchObject({ confId: meeting.data.confId, confName: 'feed', duration: 30, confStatus: 0 });
    const later = await client.webhooks.events({ after: 2 });
    expect(later.data.map((e) => e.seq)).toEqual([3]);

    await client.webhooks.deleteEndpoint({ id: created.data.id });
    await expect(client.webhooks.deleteEndpoint({ id: created.data.id })).rejects.toBeInstanceOf(ApiError);
  });
});
