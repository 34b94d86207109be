import type { FastifySchemaValidationError } from 'fastify';

interface PropertySchema {
  const?: unknown;
  anyOf?: PropertySchema[];
  type?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  description?: string;
}

/** What a parameter's schema expects, in words. */
export function describeExpected(schema: PropertySchema | undefined): string {
  if (!schema) return 'a valid value';
  switch (schema.type) {
    case 'integer':
    case 'number': {
      const kind = schema.type === 'integer' ? 'an integer' : 'a number';
      if (schema.minimum !== undefined && schema.maximum !== undefined)
        return `${kind} from ${schema.minimum} to ${schema.maximum}`;
      if (schema.minimum !== undefined) return `${kind} of at least ${schema.minimum}`;
      if (schema.maximum !== undefined) return `${kind} of at most ${schema.maximum}`;
      return kind;
    }
    case 'array':
      return 'a list';
    case 'object':
      return 'an object';
    case 'boolean':
      return 'true or false';
    case 'string': {
      if (schema.pattern) return `${schema.description ?? 'text'} (matching ${schema.pattern})`;
      const min = schema.minLength ?? 0;
      if (schema.maxLength !== undefined) {
        return min > 0
          ? `text of ${min} to ${schema.maxLength} characters`
          : `text of at most ${schema.maxLength} characters`;
      }
      return min > 0 ? 'non-empty text' : 'text';
    }
    default:
      return 'a valid value';
  }
}

/** `/events/0/type` → `events[0].type`. */
function parameterPath(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}

/**
 * The document's 109 message for a schema failure: names the parameter and what was expected.
 * Needs Ajv's `verbose` option, which puts the failing schema on the error.
 */
export function validationMessage(errors: FastifySchemaValidationError[]): string {
  const error = errors[0] as (FastifySchemaValidationError & { parentSchema?: PropertySchema }) | undefined;
  if (!error) return '参数错误 (invalid parameters)';
  if (error.keyword === 'required' && error.instancePath === '') {
    const name = String((error.params as { missingProperty?: string }).missingProperty ?? '?');
    return `缺少参数 ${name} (parameter ${name} is required)`;
  }
  const name = parameterPath(error.instancePath);
  if (name === '') return '参数错误 (parameters must form one object of name/value pairs)';
  if (error.keyword === 'const' || error.keyword === 'anyOf') {
    const union = errors.find((e) => e.instancePath === error.instancePath && e.keyword === 'anyOf') as
      typeof error | undefined;
    const values = union?.parentSchema?.anyOf?.map((s) => s.const).filter((v) => v !== undefined);
    if (values?.length)
      return `参数 ${name} 无效 (invalid parameter ${name}): expected one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  if (error.keyword === 'enum') {
    const values = (error.params as { allowedValues?: unknown[] }).allowedValues ?? [];
    return `参数 ${name} 无效 (invalid parameter ${name}): expected one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  if (error.keyword === 'maxItems') {
    return `参数 ${name} 无效 (invalid parameter ${name}): expected at most ${String((error.params as { limit?: number }).limit)} items`;
  }
  if (error.keyword === 'required') {
    const missing = String((error.params as { missingProperty?: string }).missingProperty ?? '?');
    return `缺少参数 ${name}.${missing} (parameter ${name}.${missing} is required)`;
  }
  return `参数 ${name} 无效 (invalid parameter ${name}): expected ${describeExpected(error.parentSchema)}`;
}
