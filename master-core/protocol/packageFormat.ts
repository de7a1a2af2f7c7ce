import { z } from 'zod';

/** Names that appear in references such as $Package::Name: letters, digits, underscore. */
export const ObjectName = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(
    /^[A-Za-z_][A-Za-z0-9_ .-]*$/,
    'must start with a letter or _ and use letters, digits, _ . - or space',
  );

export const ParameterDataType = z.enum([
  'String',
  'Boolean',
  'Int32',
  'Int64',
  'Double',
  'Decimal',
  'DateTime',
]);
export type ParameterDataType = z.infer<typeof ParameterDataType>;

export const ParameterValue = z.union([z.string(), z.number(), z.boolean()]);
export type ParameterValue = z.infer<typeof ParameterValue>;

export const ParameterDef = z.strictObject({
  name: ObjectName,
  dataType: ParameterDataType,
  defaultValue: ParameterValue.optional(),
  required: z.boolean().default(false),
  sensitive: z.boolean().default(false),
  description: z.string().max(4000).default(''),
});
export type ParameterDef = z.infer<typeof ParameterDef>;

const TaskBase = {
  name: ObjectName,
  description: z.string().max(4000).default(''),
};

/** Execute Process task: runs a program without a shell; arguments may hold @[...] references. */
export const ProcessTask = z.strictObject({
  ...TaskBase,
  type: z.literal('process'),
  command: z.string().min(1, 'must name a program'),
  args: z.array(z.string()).default([]),
  workingDirectory: z.string().optional(),
  successExitCode: z.number().int().default(0),
  timeoutMs: z.number().int().positive().optional(),
});
export type ProcessTask = z.infer<typeof ProcessTask>;

/** Script task: a JavaScript snippet (async allowed) with params, variables and log in scope. */
export const ScriptTask = z.strictObject({
  ...TaskBase,
  type: z.literal('script'),
  code: z.string().min(1, 'must hold JavaScript code'),
  timeoutMs: z.number().int().positive().optional(),
});
export type ScriptTask = z.infer<typeof ScriptTask>;

export const TaskDef = z.discriminatedUnion('type', [ProcessTask, ScriptTask]);
export type TaskDef = z.infer<typeof TaskDef>;

export const VariableDef = z.strictObject({
  name: ObjectName,
  dataType: ParameterDataType,
  value: ParameterValue.optional(),
});
export type VariableDef = z.infer<typeof VariableDef>;

function uniqueNames(items: readonly { name: string }[]): boolean {
  return new Set(items.map((i) => i.name.toLowerCase())).size === items.length;
}

export const PackageDef = z.strictObject({
  $schema: z.string().optional(),
  name: ObjectName,
  description: z.string().max(4000).default(''),
  parameters: z.array(ParameterDef).default([]).refine(uniqueNames, 'parameter names must be unique'),
  variables: z.array(VariableDef).default([]).refine(uniqueNames, 'variable names must be unique'),
  tasks: z
    .array(TaskDef)
    .min(1, 'a package needs at least one task')
    .refine(uniqueNames, 'task names must be unique'),
});
export type PackageDef = z.infer<typeof PackageDef>;

export const ProjectDef = z.strictObject({
  $schema: z.string().optional(),
  name: ObjectName,
  description: z.string().max(4000).default(''),
  parameters: z.array(ParameterDef).default([]).refine(uniqueNames, 'parameter names must be unique'),
});
export type ProjectDef = z.infer<typeof ProjectDef>;

/** A whole project as sent to the master by `scaleout deploy` or the console. */
export const ProjectBundle = z.strictObject({
  project: ProjectDef,
  packages: z
    .array(PackageDef)
    .min(1, 'a project needs at least one package')
    .max(1000)
    .refine(uniqueNames, 'package names must be unique'),
});
export type ProjectBundle = z.infer<typeof ProjectBundle>;
