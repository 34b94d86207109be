import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addRooms } from '../../src/domain/sites.js';
import type { SiteRow } from '../../src/store/database.js';
import { buildTestApp, gmt, type TestApp } from '../helper.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

const HOUR = 3_600_000;
const at = (hours: number) => gmt(Math.ceil(t.clock.now / HOUR) * HOUR + hours * HOUR);

function reserve(site: SiteRow, params: Record<string, unknown> = {}) {
  return t.call('confReservation', site, {
    userId: 'host1',
    userName: 'Host One',
    confName: 'Weekly',
    startTime: at(1),
    duration: 60,
    confParties: 5,
    ...params,
  });
}

/** A site whose pool has one room of 10 parties only: a meeting of 5 fits only with upCompatible. */
async function siteWithBigRoom() {
  const site = await t.site({ totalNumParties: 1000 });
  const [big] = await addRooms(t.store.db, { siteSign: site.site_sign, capacity: 10, count: 1 }, t.clock.now);
  return { site, big: big! };
}

describe('upCompatible: y or n, in either case, normalised at the edge', () => {
  it('honours upCompatible=Y as y on confReservation (it was silently "no": 205)', async () => {
    const { site, big } = await siteWithBigRoom();
    const res = await reserve(site, { upCompatible: 'Y' });
    expect(res.body.status).toBe(100);
    expect(res.body.data.roomId).toBe(big.id);
  });

  it('honours upCompatible=Y on confModify2', async () => {
    const { site, big } = await siteWithBigRoom();
    const booked = await reserve(site, { upCompatible: 'y' });
    expect(booked.body.data.roomId).toBe(big.id);
    const modified = await t.call('confModify2', site, {
      userId: 'host1',
      confId: booked.body.data.confId,
      confPassword: '',
      startTime: at(3),
      duration: 60,
      confParties: 6,
      upCompatible: 'Y',
    });
    expect(modified.body.status).toBe(100);
    expect(modified.body.data.roomId).toBe(big.id);
  });

  it('treats N, n, empty and absent as no, in a JSON body too', async () => {
    const { site } = await siteWithBigRoom();
    for (const upCompatible of ['N', 'n', '', undefined]) {
      const res = await reserve(site, upCompatible === undefined ? {} : { upCompatible });
      expect(res.body.status).toBe(205);
    }
    expect(
      (
        await t.call(
          'confReservation',
          site,
          {
            userId: 'h',
            userName: 'H',
            confName: 'W',
            startTime: at(1),
            duration: 60,
            confParties: 5,
            upCompatible: 'Y',
          },
          { encoding: 'json' },
        )
      ).body.status,
    ).toBe(100);
  });

  it('refuses anything else with 109 naming the parameter and its values', async () => {
    const { site } = await siteWithBigRoom();
    const res = await reserve(site, { upCompatible: 'yes' });
    expect(res.body.status).toBe(109);
    expect(res.body.message).toContain('upCompatible');
    expect(res.body.message).toContain('"y", "n"');
  });
});

describe('registrant statuses: literal unions at the edge', () => {
  async function registrationMeeting(site: SiteRow) {
    const res = await reserve(site, { registrationType: 1, startTime: at(5) });
    expect(res.body.status).toBe(100);
    return res.body.data.confId as number;
  }

  it('getRegistrants takes pending, approved or denied, empty as absent (approved), and refuses others naming the values', async () => {
    const site = await t.site();
    const confId = await registrationMeeting(site);
    const added = await t.call('addRegistrant', site, {
      userId: 'host1',
      confId,
      first_name: 'A',
      email: 'a@example.com',
      auto_approve: 'false',
    });
    expect(added.body.status).toBe(100);
    const list = async (status?: string) =>
      (await t.call('getRegistrants', site, { userId: 'host1', confId, ...(status === undefined ? {} : { status }) }))
        .body;
    expect((await list('pending')).data).toHaveLength(1);
    expect((await list('')).data).toHaveLength(0);
    expect((await list()).data).toHaveLength(0);
    const refused = await list('Pending');
    expect(refused.status).toBe(109);
    expect(refused.message).toContain('status');
    expect(refused.message).toContain('"pending", "approved", "denied"');
  });

  it('updateRegistrantStatus takes approved or denied only', async () => {
    const site = await t.site();
    const confId = await registrationMeeting(site);
    const registrantId = (
      await t.call('addRegistrant', site, {
        userId: 'host1',
        confId,
        first_name: 'B',
        email: 'b@example.com',
        auto_approve: 'false',
      })
    ).body.data.registrant_id;
    const decide = (status: string) =>
      t.call('updateRegistrantStatus', site, { userId: 'host1', confId, registrantId, status });
    for (const status of ['pending', '', 'APPROVED']) {
      const res = await decide(status);
      expect(res.body.status, status).toBe(109);
      expect(res.body.message).toContain('status');
    }
    expect((await decide('denied')).body.data.status).toBe('denied');
  });
});

describe('registration lists declared precisely, still taken as JSON or as JSON text in a form', () => {
  async function registrationMeeting(site: SiteRow) {
    return (await reserve(site, { startTime: at(5) })).body.data.confId as number;
  }
  const questions = (
    site: SiteRow,
    confId: number,
    params: Record<string, unknown>,
    encoding: 'form' | 'json' = 'form',
  ) => t.call('updateRegistrationQuestions', site, { userId: 'host1', confId, ...params }, { encoding });

  it('takes the questions as a JSON array, as JSON text, with 1/0/"true" for required and the choices as JSON text too', async () => {
    const site = await t.site();
    const confId = await registrationMeeting(site);
    const custom = [{ title: 'Size?', type: 'single', answers: JSON.stringify(['S', 'M']), required: '1' }];
    expect(
      (
        await questions(site, confId, {
          custom_questions: JSON.stringify(custom),
          questions: JSON.stringify([{ field_name: 'org', required: 'true' }]),
        })
      ).body.status,
    ).toBe(100);
    expect(
      (
        await questions(
          site,
          confId,
          {
            custom_questions: [{ title: 'Size?', type: 'single', answers: ['S', 'M'], required: 1 }],
            questions: [{ field_name: 'org', required: '' }],
          },
          'json',
        )
      ).body.status,
    ).toBe(100);
    const missing = await t.call('addRegistrant', site, {
      userId: 'host1',
      confId,
      first_name: 'A',
      email: 'a@example.com',
    });
    expect(missing.body.status).toBe(109);
    expect(missing.body.message).toContain('Size?');
    const added = await t.call('addRegistrant', site, {
      userId: 'host1',
      confId,
      first_name: 'A',
      email: 'a@example.com',
      auto_approve: '0',
      custom_questions: JSON.stringify([{ title: 'Size?', value: 'M' }]),
    });
    expect(added.body.status).toBe(100);
    const pending = await t.call('getRegistrants', site, { userId: 'host1', confId, status: 'pending' });
    expect(pending.body.data.map((r: { custom_questions: unknown }) => r.custom_questions)).toEqual([
      [{ title: 'Size?', value: 'M' }],
    ]);
  });

  it('refuses what is not a list of the declared items with 109 naming the place', async () => {
    const site = await t.site();
    const confId = await registrationMeeting(site);
    const refused = async (params: Record<string, unknown>, name: string) => {
      const res = await questions(site, confId, params);
      expect(res.body.status, name).toBe(109);
      expect(res.body.message).toContain(name);
    };
    await refused({ custom_questions: '{not json' }, 'custom_questions');
    await refused(
      { custom_questions: JSON.stringify(Array.from({ length: 101 }, () => ({ title: 'x', type: 'short' }))) },
      'custom_questions',
    );
    await refused(
      { custom_questions: JSON.stringify([{ title: 'x', type: 'short', required: 'maybe' }]) },
      'custom_questions[0].required',
    );
    await refused(
      { custom_questions: JSON.stringify([{ title: 'x', type: 'short', answers: '[oops' }]) },
      'custom_questions[0].answers',
    );
    await refused({ questions: JSON.stringify(['org']) }, 'questions[0]');
    await refused({ questions: JSON.stringify([{ field_name: 'shoe_size' }]) }, 'questions[0].field_name');
    const auto = await t.call('addRegistrant', site, {
      userId: 'host1',
      confId,
      first_name: 'B',
      email: 'b@example.com',
      auto_approve: 'perhaps',
    });
    expect(auto.body.status).toBe(109);
    expect(auto.body.message).toContain('auto_approve');
  });
});

describe('isNeedCreate: one of 1, true, 2, false, 0', () => {
  it('takes text or JSON values and refuses others naming them', async () => {
    const site = await t.site();
    const create = (isNeedCreate: unknown, encoding: 'form' | 'json' = 'form') =>
      t.call('createOrUpdateUser', site, { userId: 'n1', userName: 'N', isNeedCreate }, { encoding });
    expect((await create(true, 'json')).body.status).toBe(100);
    expect((await create(1, 'json')).body.status).toBe(100);
    expect(
      (
        await t.call(
          'createOrUpdateUser',
          site,
          { userId: 'n2', userName: 'N', isNeedCreate: false },
          { encoding: 'json' },
        )
      ).body.status,
    ).toBe(101);
    const refused = await create('yes');
    expect(refused.body.status).toBe(109);
    expect(refused.body.message).toContain('isNeedCreate');
    expect(refused.body.message).toContain('"1", "true", "2", "false", "0"');
  });
});
