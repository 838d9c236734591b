import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTING_NAMES, type SettingName, settingsSchema } from '../../functions/runtime/settings.js';

const serverlessYml = readFileSync(path.resolve(import.meta.dirname, '..', '..', 'serverless.yml'), 'utf8');

/** `NAME: ${param:name}` lines: the environment variables a deployment parameter sets. */
const parameterOf = new Map([...serverlessYml.matchAll(/^ +([A-Z_]+): \$\{param:(\w+)\}$/gm)].map(([, variable, parameter]) => [variable!, parameter!]));

/** The `params: default:` block: what a deployment gets when no --param is given. */
const parameterDefaults = new Map(
  [...(serverlessYml.match(/^params:\n {2}default:\n((?: {4}.*\n|\n)+)/m)?.[1] ?? '').matchAll(/^ {4}(\w+): (.*)$/gm)].map(([, name, value]) => [
    name!,
    value!.replace(/^'(.*)'$/, '$1'),
  ]),
);

/** Every setting's schema at once. */
const AllSettings = settingsSchema(Object.fromEntries(SETTING_NAMES.map((name) => [name, true])) as Record<SettingName, true>);

describe('settings', () => {
  it('reads every deployment parameter it has a default for', () => {
    const withDefault = Object.keys(AllSettings.shape).filter((name) => parameterOf.has(name));
    expect(withDefault.length).toBeGreaterThan(8);
  });

  it.each([...parameterOf].filter(([variable]) => variable in AllSettings.shape))(
    '%s defaults to what deployment parameter %s defaults to, so a local run behaves like a deployment',
    (variable, parameter) => {
      const schema = AllSettings.shape[variable as SettingName];
      expect(parameterDefaults.has(parameter), `params.default.${parameter}`).toBe(true);
      expect(String(schema.parse(undefined))).toBe(String(schema.parse(parameterDefaults.get(parameter))));
    },
  );

  it('builds the schema of the variables a function names, and of no other', () => {
    expect(Object.keys(settingsSchema({ REPORT_BUCKET: true, NOTICE_DAYS: true }).shape)).toEqual(['REPORT_BUCKET', 'NOTICE_DAYS']);
  });

  it('rejects a bad value with the variable named and what is expected', () => {
    const parsed = settingsSchema({ CONCURRENT_RESOURCES_PERCENT: true }).safeParse({ CONCURRENT_RESOURCES_PERCENT: '0' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['CONCURRENT_RESOURCES_PERCENT']);
  });
});
