import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { jsonSchemaText, PUBLISHED_SCHEMAS } from './schemas.js';

/** `npm run schemas`: regenerates schemas/*.schema.json from the code's zod schemas. */
const dir = path.resolve(import.meta.dirname, '..', 'schemas');
for (const file of Object.keys(PUBLISHED_SCHEMAS) as (keyof typeof PUBLISHED_SCHEMAS)[]) {
  await writeFile(path.join(dir, file), jsonSchemaText(file));
  process.stdout.write(`wrote schemas/${file}\n`);
}
