import Type, { type TLiteral, type TObject, type TProperties, type TSchema } from 'typebox';

/** Parameters every endpoint takes for authentication (§1.1 II). */
export const authParams = {
  token: Type.String({ minLength: 1, maxLength: 64, description: 'upper(md5("<subject>|<APIKey>|<timeStamp>"))' }),
  timeStamp: Type.String({ pattern: '^[0-9]{1,16}$', description: 'milliseconds since the epoch' }),
  siteSign: Type.String({ minLength: 1, maxLength: 64, description: 'site sign' }),
};

/** `userId`: the integrator's user id, at most 32 characters (§2.1). */
export const userIdParam = Type.String({ minLength: 1, maxLength: 32, description: 'user id in the client system' });

/** A 0/1 switch. */
export function flag(description: string, defaultValue?: 0 | 1) {
  return Type.Integer({
    minimum: 0,
    maximum: 1,
    description,
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
  });
}

/** Schema keyword marking an enumeration parameter: an empty value counts as not given (`params.ts`). */
export const CHOICE = 'x-choice';
/**
 * Schema keyword marking a choice of lower-case words that integrators may send in any case: the edge
 * (`params.ts`) lower-cases the value before validation.
 */
export const IGNORE_CASE = 'x-ignore-case';

/**
 * One of `words` (string literals); empty counts as not given. With `ignoreCase` the words are lower-case
 * and accepted in any case: the domain sees them lower-cased.
 */
export function choice<const T extends TLiteral<string>[]>(
  words: [...T],
  description: string,
  { ignoreCase = false } = {},
) {
  return Type.Union(words, { description, [CHOICE]: true, ...(ignoreCase ? { [IGNORE_CASE]: true } : {}) });
}

/**
 * Schema keyword marking a list parameter that may also arrive as JSON text (a form field): the edge
 * (`params.ts`) parses it before validation, and within it takes "1" and "0" for true and false.
 */
export const JSON_TEXT = 'x-json-text';

/** A list of up to `max` items that may also be sent as JSON text in a form field. */
export function jsonList<T extends TSchema>(items: T, max: number, description: string) {
  return Type.Array(items, {
    maxItems: max,
    description: `${description}; a JSON array, or JSON text in a form field`,
    [JSON_TEXT]: true,
  });
}

/** Free text up to `max` characters. */
export function text(max: number, description: string, options: { minLength?: number } = {}) {
  return Type.String({ maxLength: max, description, ...options });
}

/** An endpoint's whole parameter schema: its own parameters plus the authentication ones. */
export function endpointParams<P extends TProperties>(own: P) {
  return Type.Object({ ...own, ...authParams });
}

export type { TObject, TSchema };

export interface AuthParams {
  token: string;
  timeStamp: string;
  siteSign: string;
}
