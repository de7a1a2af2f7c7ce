import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { schemaFiles } from './generateSchemas';

describe('published JSON Schemas', () => {
  it.each(Object.entries(schemaFiles()))(
    '%s matches the code (regenerate with npx tsx build/generateSchemas.ts)',
    (file, text) => {
      expect(readFileSync(file, 'utf8')).toBe(text);
    },
  );
});
