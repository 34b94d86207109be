import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteRow } from '../../src/store/database.js';
import { buildTestApp, gmt, type TestApp } from '../helper.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

const MIN = 60_000;

async function meeting(site: SiteRow, params: Record<string, unknown> = {}) {
  const res = await t.call('confReservation', site, {
    userId: 'host1',
    userName: 'Host',
    confName: 'Webinar',
    startTime: gmt(Math.floor((t.clock.now + 60 * MIN) / 1000) * 1000),
    duration: 60,
    confParties: 50,
    ...params,
  });
  expect(res.body.status, res.body.message).toBe(100);
  return res.body.data as { confId: number; confNumber: string; joinUrl: string; startTime: string };
}

const register = (
  site: SiteRow,
  confId: number,
  params: Record<string, unknown> = {},
  encoding: 'form' | 'json' = 'form',
) =>
  t.call(
    'addRegistrant',
    site,
    { userId: 'host1', confId, first_name: 'Jill', email: 'jill@example.com', ...params },
    { encoding },
  );

describe('updateRegistrationQuestions (3.31)', () => {
  it('takes both lists as JSON in a form field or as arrays in a JSON body', async () => {
    const site = await t.site();
    const m = await meeting(site);
    const custom = [{ title: 'How are you?', type: 'short', answers: ['Good'], required: true }];
    const form = await t.call('updateRegistrationQuestions', site, {
      userId: 'host1',
      confId: m.confId,
      custom_questions: JSON.stringify(custom),
      questions: JSON.stringify([{ field_name: 'last_name', required: true }]),
    });
    expect(form.body).toEqual({ status: 100, message: 'success' });
    const json = await t.call(
      'updateRegistrationQuestions',
      site,
      { userId: 'host1', confId: m.confId, questions: [{ field_name: 'org', required: 'true' }] },
      { encoding: 'json' },
    );
    expect(json.body.status).toBe(100);
    // custom_questions kept, questions replaced: org now required, last_name no longer.
    const noOrg = await register(site, m.confId, {
      custom_questions: JSON.stringify([{ title: 'How are you?', value: 'fine' }]),
    });
    expect(noOrg.body.status).toBe(109);
    expect(noOrg.body.message).toContain('org');
  });

  it('refuses bad question lists with 109 naming the item, and other users’ meetings with 401', async () => {
    const site = await t.site();
    const m = await meeting(site);
    const bad = async (params: Record<string, unknown>, expected: string) => {
      const res = await t.call('updateRegistrationQuestions', site, { userId: 'host1', confId: m.confId, ...params });
      expect(res.body.status, expected).toBe(109);
      expect(res.body.message).toContain(expected);
    };
    await bad({ custom_questions: 'not json' }, 'custom_questions');
    await bad({ custom_questions: JSON.stringify([{ title: 'x', type: 'long' }]) }, 'custom_questions[0].type');
    await bad(
      { custom_questions: JSON.stringify([{ title: 'x', type: 'single', answers: [] }]) },
      'custom_questions[0].answers',
    );
    await bad({ custom_questions: JSON.stringify([{ type: 'short' }]) }, 'custom_questions[0].title');
    await bad({ questions: JSON.stringify([{ field_name: 'shoe_size' }]) }, 'questions[0].field_name');
    await bad({ questions: JSON.stringify([{ field_name: 'org', required: 'maybe' }]) }, 'questions[0].required');
    await meeting(site, { userId: 'other', startTime: gmt(Math.floor((t.clock.now + 300 * MIN) / 1000) * 1000) });
    expect(
      (await t.call('updateRegistrationQuestions', site, { userId: 'other', confId: m.confId, questions: '[]' })).body
        .status,
    ).toBe(401);
  });
});

describe('addRegistrant (3.32)', () => {
  it('registers, answering the documented fields and a personal join link', async () => {
    const site = await t.site();
    const m = await meeting(site, { confName: '921728' });
    const res = await register(site, m.confId, { last_name: 'Chill', no_of_employees: '1-20', language: 'zh-CN' });
    expect(res.body.status).toBe(100);
    const data = res.body.data;
    expect(Object.keys(data).sort()).toEqual(['id', 'join_url', 'registrant_id', 'start_time', 'tk', 'topic']);
    expect(data).toMatchObject({ id: m.confId, topic: '921728', start_time: `${m.startTime.replace(' ', 'T')}Z` });
    expect(data.registrant_id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(data.tk).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(data.join_url).toBe(`${m.joinUrl}?tk=${data.tk}`);
    // The same email (in any case) gives back the same registration.
    const again = await register(site, m.confId, { email: 'JILL@example.com', first_name: 'Other' });
    expect(again.body.data).toEqual(data);
  });

  it('validates email, enumerations, answer lengths and the meeting’s required questions', async () => {
    const site = await t.site();
    const m = await meeting(site);
    await t.call('updateRegistrationQuestions', site, {
      userId: 'host1',
      confId: m.confId,
      custom_questions: JSON.stringify([{ title: 'Size?', type: 'single', answers: ['S', 'M'], required: true }]),
      questions: JSON.stringify([{ field_name: 'phone', required: true }]),
    });
    const expect109 = async (params: Record<string, unknown>, name: string) => {
      const res = await register(site, m.confId, params);
      expect(res.body.status, JSON.stringify(params)).toBe(109);
      expect(res.body.message).toContain(name);
    };
    const ok = { phone: '5550100', custom_questions: JSON.stringify([{ title: 'Size?', value: 'M' }]) };
    await expect109({ ...ok, email: 'not-an-email' }, 'email');
    await expect109({ ...ok, no_of_employees: '7' }, 'no_of_employees');
    await expect109({ ...ok, language: 'xx-XX' }, 'language');
    await expect109(
      { ...ok, custom_questions: JSON.stringify([{ title: 'Size?', value: 'x'.repeat(129) }]) },
      'custom_questions[0].value',
    );
    await expect109({ ...ok, custom_questions: JSON.stringify([{ title: 'Size?', value: 'XL' }]) }, 'custom_questions');
    await expect109({ ...ok, custom_questions: '[]' }, 'custom_questions');
    await expect109({ custom_questions: ok.custom_questions }, 'phone');
    await expect109({ ...ok, first_name: '' }, 'first_name');
    expect((await register(site, m.confId, ok)).body.status).toBe(100);
  });

  it('refuses registration once the meeting has ended (707) or was cancelled (401)', async () => {
    const site = await t.site();
    const m = await meeting(site);
    t.clock.now += 3 * 60 * MIN;
    expect((await register(site, m.confId)).body.status).toBe(707);
    expect((await t.call('getRegistrants', site, { userId: 'host1', confId: m.confId })).body.status).toBe(707);
    t.clock.now -= 3 * 60 * MIN;
    const c = await meeting(site, { startTime: gmt(Math.floor((t.clock.now + 240 * MIN) / 1000) * 1000) });
    await t.call('cancelConf', site, { userId: 'host1', confId: c.confId });
    expect((await register(site, c.confId)).body.status).toBe(401);
  });
});

describe('getRegistrants (3.33) and the approval extension', () => {
  it('lists by status (approved by default); pending ones wait for the host', async () => {
    const site = await t.site();
    const m = await meeting(site);
    await register(site, m.confId, {
      email: 'a@example.com',
      first_name: 'A',
      custom_questions: JSON.stringify([{ title: 'How are you?', value: 'GOOD.' }]),
    });
    const pending = (
      await register(site, m.confId, { email: 'b@example.com', first_name: 'B', auto_approve: 'false' }, 'form')
    ).body.data;
    const approved = await t.call(
      'getRegistrants',
      site,
      { userId: 'host1', confId: m.confId },
      { encoding: 'query', method: 'GET' },
    );
    expect(approved.body.status).toBe(100);
    expect(approved.body.data).toHaveLength(1);
    const a = approved.body.data[0];
    expect(Object.keys(a).sort()).toEqual([
      'address',
      'city',
      'comments',
      'country',
      'create_time',
      'custom_questions',
      'email',
      'first_name',
      'id',
      'industry',
      'job_title',
      'join_url',
      'last_name',
      'no_of_employees',
      'org',
      'phone',
      'purchasing_time_frame',
      'role_in_purchase_process',
      'state',
      'status',
      'zip',
    ]);
    expect(a).toMatchObject({
      first_name: 'A',
      email: 'a@example.com',
      status: 'approved',
      custom_questions: [{ title: 'How are you?', value: 'GOOD.' }],
    });
    expect(a.create_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const waiting = await t.call('getRegistrants', site, { userId: 'host1', confId: m.confId, status: 'pending' });
    expect(waiting.body.data.map((r: { id: string }) => r.id)).toEqual([pending.registrant_id]);
    expect(
      (await t.call('getRegistrants', site, { userId: 'host1', confId: m.confId, status: 'maybe' })).body.status,
    ).toBe(109);

    const decided = await t.call('updateRegistrantStatus', site, {
      userId: 'host1',
      confId: m.confId,
      registrantId: pending.registrant_id,
      status: 'approved',
    });
    expect(decided.body.data).toMatchObject({ id: pending.registrant_id, status: 'approved' });
    expect((await t.call('getRegistrants', site, { userId: 'host1', confId: m.confId })).body.data).toHaveLength(2);
    expect(
      (
        await t.call('updateRegistrantStatus', site, {
          userId: 'host1',
          confId: m.confId,
          registrantId: 'nobody',
          status: 'denied',
        })
      ).body.status,
    ).toBe(109);
  });
});

describe('a registration-only meeting (registrationType=1)', () => {
  const linkPath = (url: string) => {
    const [, kind, n, secret] = /\/(s|j)\/(\d{10})\/([0-9A-F]{32})$/.exec(url)!;
    return `/web/v1/links/${kind}/${n}/${secret}`;
  };
  const enter = (url: string, body: Record<string, unknown>) =>
    t.app
      .inject({ method: 'POST', url: `${linkPath(url)}/enter`, payload: body })
      .then((r) => ({ code: r.statusCode, body: r.json() }));

  it('admits approved registrants through their personal link only, and their rows carry the registration', async () => {
    const site = await t.site();
    const m = await meeting(site, {
      registrationType: 1,
      startTime: gmt(Math.floor((t.clock.now + 5 * MIN) / 1000) * 1000),
      beforeTime: 30,
      optionJbh: 1,
    });
    const jill = (await register(site, m.confId, { city: 'Mountain View' })).body.data;
    const pending = (await register(site, m.confId, { email: 'p@example.com', auto_approve: false }, 'json')).body.data;

    expect(await enter(m.joinUrl, { name: 'Stranger' })).toMatchObject({
      code: 403,
      body: { error: 'registration_required' },
    });
    expect(await enter(m.joinUrl, { name: 'P', tk: pending.tk })).toMatchObject({
      code: 403,
      body: { error: 'registration_pending' },
    });
    const ok = await enter(m.joinUrl, { name: 'Jill', tk: jill.tk });
    expect(ok).toMatchObject({ code: 200, body: { state: 'admitted' } });

    // Through the media plane: attendees need an approved registrantId.
    const join = (participant: Record<string, unknown>) =>
      t.call(
        '/media/v1/events',
        site,
        { confNumber: m.confNumber, events: [{ type: 'participant.joined', participant }] },
        { subject: 'confNumber', encoding: 'json' },
      );
    expect((await join({ cuid: 'x', name: 'X', role: 'attendee' })).body.status).toBe(102);
    expect(
      (await join({ cuid: 'j', name: 'Jill', role: 'attendee', registrantId: jill.registrant_id })).body.status,
    ).toBe(100);
    const report = await t.call('getConfLogListByConfId', site, { userId: 'host1', confId: m.confId });
    expect(report.body.data.logs[0]).toMatchObject({
      cuid: 'j',
      participantName: 'Jill',
      registrantId: jill.registrant_id,
      email: 'jill@example.com',
      first_name: 'Jill',
      city: 'Mountain View',
      status: 'approved',
      join_url: jill.join_url,
    });
  });
});
