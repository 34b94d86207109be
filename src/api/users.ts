import type { FastifyPluginAsync } from 'fastify';
import Type from 'typebox';
import { changeUserRegion, createOrUpdateUser, deleteUser, requireUser, userData, userInfo } from '../domain/users.js';
import { defineEndpoint, ok, type EndpointDeps } from './endpoint.js';
import { endpointParams, flag, text, userIdParam } from './schemas.js';
import { answers } from '../contract/answers.js';

const isNeedCreate = Type.Enum(['1', 'true', '2', 'false', '0'], {
  type: 'string',
  description: '1 or true: create; 2, false or 0: update only; absent: create or update',
});

/** §2.17, 2.18, 2.20, 2.21: the site's users. */
export const userRoutes: FastifyPluginAsync<EndpointDeps> = async (app, deps) => {
  defineEndpoint(app, deps, {
    name: 'createOrUpdateUser',
    answer: answers.createOrUpdateUser,
    section: '2.17',
    summary: '创建和修改用户 (create or update a user)',
    subject: 'userId',
    params: endpointParams({
      userId: userIdParam,
      userName: text(200, 'user name', { minLength: 1 }),
      phone: Type.Optional(text(64, 'mobile number; absent: unchanged (none for a new user)')),
      loginName: Type.Optional(
        text(200, 'login name, shown as the watermark; absent: unchanged (none for a new user)'),
      ),
      enableTuiliu: Type.Optional(flag('custom streaming allowed: 1 yes, 0 no; absent: unchanged (0 for a new user)')),
      enableCloudRecord: Type.Optional(
        flag('cloud recording allowed: 1 yes, 0 no; absent: unchanged (0 for a new user)'),
      ),
      isNeedCreate: Type.Optional(isNeedCreate),
    }),
    handler: async ({ db, site, params, now }) => {
      const create =
        params.isNeedCreate === undefined ? undefined : params.isNeedCreate === '1' || params.isNeedCreate === 'true';
      const user = await createOrUpdateUser(db, site, { ...params, isNeedCreate: create }, now);
      return ok({ data: userData(user) });
    },
  });

  defineEndpoint(app, deps, {
    name: 'changeUserIdDataCenter',
    answer: answers.changeUserIdDataCenter,
    section: '2.18',
    summary: '切换userId数据中心 (move a user to another data-center region)',
    subject: 'userId',
    params: endpointParams({
      userId: userIdParam,
      userName: text(200, 'user name', { minLength: 1 }),
      loginName: Type.Optional(text(200, 'login name, shown as the watermark; absent: unchanged')),
      region: text(64, "one of the site's regions", { minLength: 1 }),
    }),
    handler: async ({ db, site, params, now }) => {
      await changeUserRegion(db, site, params, now);
      return ok();
    },
  });

  defineEndpoint(app, deps, {
    name: 'delUserByUserId',
    answer: answers.delUserByUserId,
    section: '2.20',
    summary: '删除userId用户 (delete a user)',
    subject: 'userId',
    params: endpointParams({
      userId: userIdParam,
      isForceDel: Type.Optional(flag('1: delete even with scheduled meetings (cancelling them); 0: only without', 0)),
    }),
    handler: async ({ db, site, params, now }) => {
      await deleteUser(db, site, params.userId, { force: params.isForceDel === 1 }, now);
      return ok();
    },
  });

  defineEndpoint(app, deps, {
    name: 'getUserByUserId',
    answer: answers.getUserByUserId,
    section: '2.21',
    summary: "获取userId相关属性信息 (a user's properties)",
    subject: 'userId',
    access: 'read',
    params: endpointParams({ userId: userIdParam }),
    handler: async ({ db, site, params }) => {
      const user = await requireUser(db, site, params.userId);
      return ok({ userInfo: userInfo(user) });
    },
  });
};
