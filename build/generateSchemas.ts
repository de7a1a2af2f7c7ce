// Writes the published JSON Schemas of the package format from the same zod schemas the code uses.
// Run: npx tsx build/generateSchemas.ts   (a test checks the committed files are current)
//
// Draft-07, because it is what editors fully support: VS Code's JSON support and the YAML
// language server (redhat.vscode-yaml), which YAML files reach through a
// `# yaml-language-server: $schema=...` comment (docs/package-format.md).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import * as format from '../master-core/protocol/packageFormat';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

type Meta = { id: string; description?: string };
type OverrideContext = { zodSchema: unknown; jsonSchema: z.core.JSONSchema.BaseSchema };

/**
 * Readable names for the definitions (instead of __schema0): the recursive parts first, then the
 * kinds an author picks from. packageFormat.ts stays free of documentation concerns.
 */
function definitionNames(): [z.ZodType, Meta][] {
  return [
    [format.ExecutableDef, { id: 'Executable', description: 'A task or a container; `type` says which.' }],
    [
      format.ControlFlowDef,
      {
        id: 'ControlFlow',
        description: 'What a container or an event handler runs: variables, tasks, constraints.',
      },
    ],
    [
      format.PackageDef.shape.eventHandlers,
      {
        id: 'EventHandlers',
        description: 'Event name -> the control flow that runs when it is raised here or below.',
      },
    ],
    [format.ExecuteProcessTask, { id: 'ExecuteProcessTask' }],
    [
      format.ScriptTask,
      { id: 'ScriptTask', description: 'Give `code`, or `file`: a .js file of the project folder.' },
    ],
    [format.ExecuteSqlTask, { id: 'ExecuteSqlTask' }],
    [format.FileSystemTask, { id: 'FileSystemTask' }],
    [format.ExpressionTask, { id: 'ExpressionTask' }],
    [format.WebRequestTask, { id: 'WebRequestTask' }],
    [format.ExecutePackageTask, { id: 'ExecutePackageTask' }],
    [format.SequenceContainer, { id: 'SequenceContainer' }],
    [format.ForLoopContainer, { id: 'ForLoopContainer' }],
    [format.ForeachLoopContainer, { id: 'ForeachLoopContainer' }],
    [format.ForeachEnumerator, { id: 'ForeachEnumerator' }],
    [format.PrecedenceConstraintDef, { id: 'PrecedenceConstraint' }],
    [format.VariableDef, { id: 'Variable' }],
    [format.ParameterDef, { id: 'Parameter' }],
    [format.ConnectionManagerDef, { id: 'ConnectionManager' }],
    [format.SqliteConnection, { id: 'SqliteConnection' }],
    [format.PostgresConnection, { id: 'PostgresConnection' }],
    [format.FlatFileConnection, { id: 'FlatFileConnection' }],
    [format.HttpConnection, { id: 'HttpConnection' }],
  ];
}

/** The global registry (anything the schemas' own .meta() says) plus the names above. */
function metadataRegistry() {
  const named = z.registry<Meta>();
  for (const [schema, meta] of definitionNames()) named.add(schema, meta);
  const registry = z.registry<Record<string, unknown>>();
  registry.get = (schema) => {
    const own = named.get(schema);
    const global = z.globalRegistry.get(schema);
    return own || global ? { ...global, ...own } : undefined;
  };
  return registry;
}

/**
 * A record keyed by a fixed set of names (event handlers) becomes an object with those
 * properties: editors complete property names, not propertyNames enums.
 */
function fixedKeysAsProperties({ jsonSchema }: OverrideContext): void {
  const keys = (jsonSchema.propertyNames as { enum?: unknown[] } | undefined)?.enum;
  const value = jsonSchema.additionalProperties;
  if (jsonSchema.type !== 'object' || !keys || typeof value !== 'object') return;
  jsonSchema.properties = Object.fromEntries(keys.map((key) => [String(key), value]));
  jsonSchema.additionalProperties = false;
  delete jsonSchema.propertyNames;
}

/** Editors then flag a script task with neither code nor file, or both, as deploy does. */
function codeOrFile({ zodSchema, jsonSchema }: OverrideContext): void {
  if (zodSchema === format.ScriptTask) jsonSchema.oneOf = [{ required: ['code'] }, { required: ['file'] }];
}

export function schemaFiles(): Record<string, string> {
  const metadata = metadataRegistry();
  const render = (schema: z.ZodType, id: string, title: string) => {
    const json = z.toJSONSchema(schema, {
      io: 'input',
      target: 'draft-07',
      metadata,
      override: (context) => {
        fixedKeysAsProperties(context);
        codeOrFile(context);
      },
    });
    return `${JSON.stringify({ ...json, $id: id, title }, null, 2)}\n`;
  };
  return {
    'docs/schema/package.schema.json': render(
      format.PackageDef,
      'urn:scaleout:schema:package:1',
      'Scale Out package',
    ),
    'docs/schema/project.schema.json': render(
      format.ProjectDef,
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
