// Prints the table of a results file again (a finished run, or bench/results/partial.json of an
// interrupted one): `npx tsx bench/render.ts bench/results/<date>.json`.
import { readFileSync } from 'node:fs';
import { resultsTable } from './table';
import type { Result } from './table';

const file = process.argv[2];
if (!file) throw new Error('usage: npx tsx bench/render.ts <results.json>');
const json = JSON.parse(readFileSync(file, 'utf8')) as { results?: Result[] };
if (!Array.isArray(json.results)) throw new Error(`${file}: no "results" list`);
console.log(resultsTable(json.results));
