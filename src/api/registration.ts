import type { FastifyPluginAsync } from 'fastify';
import Type from 'typebox';
import { joinUrlOf, type LinkConfig } from '../domain/meeting-view.js';
import {
  addRegistrant,
  decideRegistrant,
  isoTime,
  listRegistrants,
  personalJoinUrl,
  registrantView,
  EMPLOYEE_RANGES,
  LANGUAGES,
  MAX_ANSWER,
  STANDARD_FIELDS,
  updateQuestions,
} from '../domain/registration.js';
import { defineEndpoint, ok, type EndpointDeps } from './endpoint.js';
import { CHOICE, choice, endpointParams, jsonList, text, userIdParam } from './schemas.js';
import { answers } from '../contract/answers.js';

const confId = Type.Integer({ minimum: 1, description: '会议id: the confId confReservation answered' });
/** true/false; also 1/0, and "1"/"0" or "true"/"false" in a form. */
const yesNo = (description: string) => Type.Optional(Type.Boolean({ description }));
const title = Type.String({ minLength: 1, maxLength: 256, description: 'the question' });
const customQuestion = Type.Object({
  title,
  type: Type.Union([Type.Literal('short'), Type.Literal('single')]),
  answers: Type.Optional(
    jsonList(Type.String({ minLength: 1, maxLength: MAX_ANSWER }), 100, 'the choices of a single-choice question'),
  ),
  required: yesNo('absent: false'),
});
const standardQuestion = Type.Object({
  field_name: Type.Enum([...STANDARD_FIELDS]),
  required: yesNo('absent: false'),
});
const customAnswer = Type.Object({ title, value: Type.Optional(Type.String({ maxLength: MAX_ANSWER })) });

/** §3.31–3.33: registration, and the approve/deny extension. */
export const registrationRoutes: FastifyPluginAsync<EndpointDeps & { links: LinkConfig }> = async (app, deps) => {
  defineEndpoint(app, deps, {
    name: 'updateRegistrationQuestions',
    answer: answers.updateRegistrationQuestions,
    section: '3.31',
    summary: '更新会议注册问题 (set a meeting’s registration questions)',
    subject: 'userId',
    params: endpointParams({
      userId: userIdParam,
      confId,
      custom_questions: Type.Optional(jsonList(customQuestion, 100, 'absent: the custom questions are unchanged')),
      questions: Type.Optional(jsonList(standardQuestion, 100, 'absent: the standard questions are unchanged')),
    }),
    handler: async ({ db, site, params, now }) => {
      await updateQuestions(db, site, params, now);
      return ok();
    },
  });

  const field = (description: string) => Type.Optional(text(512, `${description}; absent: none`));
  defineEndpoint(app, deps, {
    name: 'addRegistrant',
    answer: answers.addRegistrant,
    section: '3.32',
    summary: '添加会议的用户注册信息 (register a person for a meeting)',
    subject: 'userId',
    params: endpointParams({
      userId: userIdParam,
      confId,
      first_name: text(256, 'first name', { minLength: 1 }),
      email: text(320, 'email address', { minLength: 1 }),
      last_name: field('last name'),
      address: field('address'),
      city: field('city'),
      state: field('state or province'),
      zip: field('postal code'),
      country: field('two-letter country code, e.g. CN'),
      phone: field('phone number'),
      comments: field('questions and comments'),
      industry: field('industry'),
      job_title: field('job title'),
      no_of_employees: Type.Optional(
        Type.Enum(EMPLOYEE_RANGES, { type: 'string', description: 'absent: none', [CHOICE]: true }),
      ),
      org: field('organisation'),
      purchasing_time_frame: field('purchasing time frame'),
      role_in_purchase_process: field('role in the purchase process'),
      language: Type.Optional(Type.Enum(LANGUAGES, { type: 'string', description: 'absent: none', [CHOICE]: true })),
      custom_questions: Type.Optional(
        jsonList(customAnswer, 100, `answers: [{title, value (at most ${MAX_ANSWER} characters)}]; absent: none`),
      ),
      auto_approve: yesNo('true (default): approved at once; false: pending until the host decides'),
    }),
    handler: async ({ db, site, params, now }) => {
      const { registrant, meeting } = await addRegistrant(db, site, params, now);
      return ok({
        data: {
          registrant_id: registrant.registrant_id,
          id: meeting.id,
          topic: meeting.conf_name,
          start_time: isoTime(meeting.start_time),
          join_url: personalJoinUrl(joinUrlOf(meeting, deps.links), registrant),
          tk: registrant.tk,
        },
      });
    },
  });

  defineEndpoint(app, deps, {
    name: 'getRegistrants',
    answer: answers.getRegistrants,
    section: '3.33',
    summary: '获取会议的用户注册列表 (a meeting’s registrants, until it ends)',
    subject: 'userId',
    access: 'read',
    params: endpointParams({
      userId: userIdParam,
      confId,
      status: Type.Optional(
        choice([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('denied')], 'absent: approved'),
      ),
    }),
    handler: async ({ db, site, params, now }) => {
      const { registrants, meeting } = await listRegistrants(db, site, params, now);
      const joinUrl = joinUrlOf(meeting, deps.links);
      return ok({ data: registrants.map((r) => registrantView(r, joinUrl)) });
    },
  });

  defineEndpoint(app, deps, {
    name: 'updateRegistrantStatus',
    answer: answers.updateRegistrantStatus,
    section: 'extension',
    summary: 'Extension: approve or deny a registrant (not in the vendor document)',
    subject: 'userId',
    params: endpointParams({
      userId: userIdParam,
      confId,
      registrantId: text(64, 'the registrant’s id (registrant_id)', { minLength: 1 }),
      status: choice([Type.Literal('approved'), Type.Literal('denied')], 'the decision'),
    }),
    handler: async ({ db, site, params, now }) => {
      const { registrant, meeting } = await decideRegistrant(db, site, params, now);
      return ok({ data: registrantView(registrant, joinUrlOf(meeting, deps.links)) });
    },
  });
};
