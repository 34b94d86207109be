/**
 * The site console's JSON (`/console/api/…`, issue 19): what its calls take and answer. The routes validate
 * and serialise with these schemas, the domain's views are typed with them (`Static<>`), and the console's
 * page reads the same shapes. Nothing here imports the domain or the API: both import this.
 */
import Type, { type Static } from 'typebox';

const closed = { additionalProperties: false } as const;

/** An email as people type it; the domain trims it and compares it in lower case. */
export const EmailInput = Type.String({ minLength: 3, maxLength: 254 });
/** A password as given; the domain holds it to the length rules (domain/passwords.ts). */
export const PasswordInput = Type.String({ minLength: 1, maxLength: 1024 });
/** A set-password link's secret (the part after `#`). */
export const LinkSecretInput = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' });
export const SiteSignParam = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' });

export const ConsoleRoleSchema = Type.Union([Type.Literal('owner'), Type.Literal('viewer')]);

export const SignInBody = Type.Object({ email: EmailInput, password: PasswordInput }, closed);
export const PasswordLinkBody = Type.Object({ secret: LinkSecretInput }, closed);
export const SetPasswordBody = Type.Object({ secret: LinkSecretInput, password: PasswordInput }, closed);
export const InviteBody = Type.Object({ email: EmailInput, role: ConsoleRoleSchema }, closed);
export const SiteParams = Type.Object({ siteSign: SiteSignParam }, closed);

/** A site as the console shows it: never its API key. */
export const ConsoleSite = Type.Object({
  siteSign: Type.String(),
  name: Type.String(),
  /** The licence: concurrent parties (the most any meeting's `confParties` may be). */
  totalNumParties: Type.Integer(),
  state: Type.String(),
  /** Last day it works (GMT, yyyy-MM-dd), or null for never. */
  expires: Type.Union([Type.String(), Type.Null()]),
  usable: Type.Boolean(),
});

/** A console account as the console shows it. */
export const ConsoleAccount = Type.Object({
  email: Type.String(),
  role: ConsoleRoleSchema,
  /** An operator sees every site; `siteSign` is then null. */
  operator: Type.Boolean(),
  siteSign: Type.Union([Type.String(), Type.Null()]),
  /** `invited`: no password set yet; `active`; `disabled`. */
  status: Type.Union([Type.Literal('invited'), Type.Literal('active'), Type.Literal('disabled')]),
  /** ISO 8601. */
  createdAt: Type.String(),
});

/** Who is signed in, and the token every state-changing call must carry in `X-CSRF-Token`. */
export const Me = Type.Object({
  account: ConsoleAccount,
  /** The account's own site; null for an operator. */
  site: Type.Union([ConsoleSite, Type.Null()]),
  csrfToken: Type.String(),
});

export const SiteList = Type.Object({ sites: Type.Array(ConsoleSite) });
export const AccountList = Type.Object({ accounts: Type.Array(ConsoleAccount) });

/** A one-time link to set a password, and when it stops working (ISO 8601). */
export const PasswordLinkAnswer = Type.Object({ setPasswordUrl: Type.String(), expiresAt: Type.String() });
export const Invited = Type.Object({ account: ConsoleAccount, ...PasswordLinkAnswer.properties });

/** What a set-password link is for. */
export const PasswordLinkInfo = Type.Object({ email: Type.String(), expiresAt: Type.String() });
export const ApiKeyAnswer = Type.Object({ apiKey: Type.String() });
export const Done = Type.Object({ ok: Type.Literal(true) });

/** Every refusal: `error` names the cause for the page (its message catalogue), `message` says it in words. */
export const ConsoleRefusal = Type.Object({
  error: Type.String(),
  message: Type.String(),
  retryAfterSeconds: Type.Optional(Type.Integer()),
});

export type ConsoleSiteView = Static<typeof ConsoleSite>;
export type ConsoleAccountView = Static<typeof ConsoleAccount>;
export type MeView = Static<typeof Me>;
