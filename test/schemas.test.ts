import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioSchema } from '../local/sandbox/scenario.js';
import { jsonSchemaText, PUBLISHED_SCHEMAS } from '../scripts/schemas.js';

const root = path.resolve(import.meta.dirname, '..');

describe('published JSON Schemas', () => {
  it.each(Object.keys(PUBLISHED_SCHEMAS) as (keyof typeof PUBLISHED_SCHEMAS)[])(
    'schemas/%s matches the code (run `npm run schemas` after a change)',
    (file) => {
      expect(readFileSync(path.join(root, 'schemas', file), 'utf8')).toBe(jsonSchemaText(file));
    },
  );

  it.each(readdirSync(path.join(root, 'scenarios')).filter((f) => f.endsWith('.json')))('scenarios/%s is a valid scenario', (file) => {
    const parsed = ScenarioSchema.safeParse(JSON.parse(readFileSync(path.join(root, 'scenarios', file), 'utf8')));
    expect(parsed.success, parsed.error?.message).toBe(true);
  });
});
