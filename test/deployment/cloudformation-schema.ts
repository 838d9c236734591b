import type { SpecDatabase } from '@aws-cdk/service-spec-types';
import type { Template } from './packaged-template.js';

/**
 * Checks a template against the current CloudFormation resource schemas from
 * @aws-cdk/aws-service-spec: every type exists, every property is known, required properties
 * are present, and nested structures have the shape the schema gives them. Intrinsic functions
 * are trusted (CloudFormation resolves them at deploy time).
 */
type SpecType = { type: string; reference?: { $ref: string }; element?: SpecType; types?: SpecType[] };
type SpecProperty = { type: SpecType; required?: boolean; previousTypes?: SpecType[] };

const isIntrinsic = (value: unknown) =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.keys(value).length === 1 &&
  /^(Ref|Fn::.+|Condition)$/.test(Object.keys(value)[0] ?? '');

function checkValue(db: SpecDatabase, type: SpecType, value: unknown, at: string, problems: string[]): void {
  if (isIntrinsic(value) || value === undefined) return;
  switch (type.type) {
    case 'ref': {
      const definition = db.get('typeDefinition', type.reference?.$ref ?? '') as unknown as { properties: Record<string, SpecProperty> };
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        problems.push(`${at}: expected an object`);
        return;
      }
      checkProperties(db, definition.properties, value as Record<string, unknown>, at, problems);
      return;
    }
    case 'array':
      if (!Array.isArray(value)) problems.push(`${at}: expected a list`);
      else
        value.forEach((item, i) => {
          checkValue(db, type.element as SpecType, item, `${at}[${i}]`, problems);
        });
      return;
    case 'map':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) problems.push(`${at}: expected a map`);
      else for (const [key, item] of Object.entries(value)) checkValue(db, type.element as SpecType, item, `${at}.${key}`, problems);
      return;
    case 'union': {
      const attempts = (type.types ?? []).map((t) => {
        const found: string[] = [];
        checkValue(db, t, value, at, found);
        return found;
      });
      if (!attempts.some((found) => found.length === 0)) problems.push(...(attempts[0] ?? []));
      return;
    }
    case 'json':
      return;
    default:
      // Primitives: CloudFormation coerces between strings, numbers and booleans; structures are not primitives.
      if (typeof value === 'object' && value !== null) problems.push(`${at}: expected a ${type.type}, got a structure`);
  }
}

function checkProperties(db: SpecDatabase, spec: Record<string, SpecProperty>, value: Record<string, unknown>, at: string, problems: string[]): void {
  for (const [name, property] of Object.entries(spec)) {
    if (property.required && !(name in value)) problems.push(`${at}: required property ${name} is missing`);
  }
  for (const [name, item] of Object.entries(value)) {
    const property = spec[name];
    if (!property) {
      problems.push(`${at}: unknown property ${name}`);
      continue;
    }
    const types = [property.type, ...(property.previousTypes ?? [])];
    checkValue(db, types.length > 1 ? { type: 'union', types } : property.type, item, `${at}.${name}`, problems);
  }
}

export function schemaProblems(db: SpecDatabase, template: Template): string[] {
  const problems: string[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    const [spec] = db.lookup('resource', 'cloudFormationType', 'equals', resource.Type);
    if (!spec) {
      problems.push(`${id}: unknown resource type ${resource.Type}`);
      continue;
    }
    checkProperties(db, spec.properties as unknown as Record<string, SpecProperty>, resource.Properties ?? {}, id, problems);
  }
  return problems;
}
