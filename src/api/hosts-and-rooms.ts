import type { FastifyPluginAsync } from 'fastify';
import Type from 'typebox';
import { ApiError, Code } from '../domain/errors.js';
import { requireSiteMeeting } from '../domain/meetings.js';
import { regenerateHostKey } from '../domain/users.js';
import { updateMeeting } from '../store/meetings.repository.js';
import { findUserById } from '../store/users.repository.js';
import { defineEndpoint, ok, type EndpointDeps } from './endpoint.js';
import { endpointParams, userIdParam } from './schemas.js';
import { answers } from '../contract/answers.js';

const confNumber = Type.String({ minLength: 1, maxLength: 16, description: '会议号 (confNumber)' });

/** §2.25 changeRcPort, §2.29 getHostKeyByConfNumber, and the extension regenerateHostKey. */
export const hostAndRoomRoutes: FastifyPluginAsync<EndpointDeps> = async (app, deps) => {
  defineEndpoint(app, deps, {
    name: 'changeRcPort',
    answer: answers.changeRcPort,
    section: '2.25',
    summary: '更改会议设备接入数量 (limit hardware-room devices of a meeting)',
    subject: 'userId',
    params: endpointParams({
      userId: userIdParam,
      confNumber,
      rcPort: Type.Integer({ minimum: 0, maximum: 1, description: '1: at most one H.323/SIP device; 0: no limit' }),
    }),
    handler: async ({ db, site, params, now }) => {
      const meeting = await requireSiteMeeting(db, site, params.confNumber);
      await updateMeeting(db, meeting.id, { rc_port: params.rcPort, updated_at: now });
      return ok();
    },
  });

  defineEndpoint(app, deps, {
    name: 'getHostKeyByConfNumber',
    answer: answers.getHostKeyByConfNumber,
    section: '2.29',
    summary: '根据会议号获取主持人hostKey (the host key of a meeting’s host)',
    subject: 'confNumber',
    access: 'read',
    params: endpointParams({ confNumber }),
    handler: async ({ db, site, params }) => {
      const meeting = await requireSiteMeeting(db, site, params.confNumber);
      const host = await findUserById(db, meeting.user_pk);
      if (!host || host.deleted_at !== null)
        throw new ApiError(Code.accountNotFound, '账号不存在 (the meeting’s host was deleted)');
      return ok({ data: { hostKey: Number(host.host_key) } });
    },
  });

  defineEndpoint(app, deps, {
    name: 'regenerateHostKey',
    answer: answers.regenerateHostKey,
    section: 'extension',
    summary:
      'Extension: give a user a new host key; the old one stops working on all their meetings (not in the vendor document)',
    subject: 'userId',
    params: endpointParams({ userId: userIdParam }),
    handler: async ({ db, site, params, now }) => {
      const user = await regenerateHostKey(db, site, params.userId, now);
      return ok({ data: { hostKey: Number(user.host_key) } });
    },
  });
};
