import { z } from 'zod';
import { ReportSchema } from '../functions/domain/report.js';
import { ConsoleInputSchema } from '../functions/domain/request.js';
import { ScenarioSchema } from '../local/sandbox/scenario.js';

/**
 * The published JSON Schemas, generated from the zod schemas the code validates with, so the
 * two cannot drift (test/schemas.test.ts fails when a committed file is stale).
 */
export const PUBLISHED_SCHEMAS = {
  'console-input.schema.json': { schema: ConsoleInputSchema, io: 'input' },
  'report.schema.json': { schema: ReportSchema, io: 'output' },
  'scenario.schema.json': { schema: ScenarioSchema, io: 'input' },
} as const;

export function jsonSchemaText(file: keyof typeof PUBLISHED_SCHEMAS): string {
  const { schema, io } = PUBLISHED_SCHEMAS[file];
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return `${JSON.stringify({ $id: `https://github.com/proton-connection-cleanup/proton-connection-cleanup/schemas/${file}`, ...json }, null, 2)}\n`;
}
