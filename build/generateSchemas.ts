// Writes the published JSON Schemas of the package format from the same zod schemas the code uses.
// Run: npx tsx build/generateSchemas.ts   (a test checks the committed files are current)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { PackageDef, ProjectDef } from '../master-core/protocol/packageFormat';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function schemaFiles(): Record<string, string> {
  const render = (schema: z.ZodType, id: string, title: string) =>
    `${JSON.stringify({ ...z.toJSONSchema(schema, { io: 'input' }), $id: id, title }, null, 2)}\n`;
  return {
    'docs/schema/package.schema.json': render(
      PackageDef,
      'urn:scaleout:schema:package:1',
      'Scale Out package',
    ),
    'docs/schema/project.schema.json': render(
      ProjectDef,
      'urn:scaleout:schema:project:1',
      'Scale Out project',
    ),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [file, text] of Object.entries(schemaFiles())) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
    console.log(`wrote ${file}`);
  }
}
