/**
 * The Data Flow task's components, as package files write them: sources, transformations and
 * destinations connected by paths. Column metadata is declared where rows enter (sources) and
 * derived everywhere else (dataFlowMetadata.ts), so deploy can refuse a path that feeds a column
 * that does not exist. docs/data-flow.md describes every component.
 */
import { z } from 'zod';
import { Expression, ObjectName as Name, VariableRef } from './formatBasics';

/** A column name: anything printable but ] (columns are written [Name] in expressions). */
export const ColumnName = z
  .string()
  .min(1, 'must not be empty')
  .max(128)
  .regex(/^[^\]\n\r\t]+$/, 'must not hold ], tabs or line breaks');

/** SSIS-like column types. */
export const ColumnType = z.enum([
  'String',
  'Int32',
  'Int64',
  'Double',
  'Decimal',
  'Boolean',
  'DateTime',
  'Bytes',
]);
export type ColumnType = z.infer<typeof ColumnType>;

export const ColumnDef = z.strictObject({
  name: ColumnName,
  dataType: ColumnType,
  /** For flat file sources: the header name (or 0-based position) this column reads; default its name. */
  sourceColumn: z.union([z.string().min(1), z.number().int().min(0)]).optional(),
  /** A DateTime text format for flat files, e.g. "yyyy-MM-dd"; ISO 8601 when absent. */
  format: z.string().max(64).optional(),
});
export type ColumnDef = z.infer<typeof ColumnDef>;

/** What a component does with a row it cannot process (SSIS error row disposition). */
export const ErrorDisposition = z.enum(['FailComponent', 'IgnoreFailure', 'RedirectRow']);
export type ErrorDisposition = z.infer<typeof ErrorDisposition>;

const ComponentBase = {
  name: Name,
  description: z.string().max(4000).default(''),
};
const OnError = { errorDisposition: ErrorDisposition.default('FailComponent') };
const uniqueNames = (items: readonly { name: string }[]) =>
  new Set(items.map((i) => i.name.toLowerCase())).size === items.length;

// ---------------------------------------------------------------------------------------------
// Sources

export const FlatFileSource = z.strictObject({
  ...ComponentBase,
  ...OnError,
  type: z.literal('flatFileSource'),
  /** A flatFile connection manager: path, delimiter, text qualifier, header row, encoding. */
  connection: Name,
  /** Data rows to skip after the header (SSIS DataRowsToSkip). */
  skipRows: z.number().int().min(0).default(0),
  columns: z.array(ColumnDef).min(1).refine(uniqueNames, 'column names must be unique'),
  /** Rows with too few or too many fields: an error row (false) or padded/cut (true). */
  allowRaggedRows: z.boolean().default(false),
});

export const SqlSource = z.strictObject({
  ...ComponentBase,
  type: z.literal('sqlSource'),
  /** A sqlite or postgresql connection manager. */
  connection: Name,
  query: z.string().min(1),
  /** Values for the query's placeholders (? for SQLite, $1 for PostgreSQL), each an expression. */
  parameters: z.array(Expression).default([]),
  /** The columns the query returns, in order, with their types. */
  columns: z.array(ColumnDef).min(1).refine(uniqueNames, 'column names must be unique'),
});

export const JsonLinesSource = z.strictObject({
  ...ComponentBase,
  ...OnError,
  type: z.literal('jsonLinesSource'),
  /** A flatFile connection manager naming the file (its delimiter settings are not used). */
  connection: Name,
  /** Each column reads the property of its name (or sourceColumn) of each line's object. */
  columns: z.array(ColumnDef).min(1).refine(uniqueNames, 'column names must be unique'),
});

// ---------------------------------------------------------------------------------------------
// Transformations

export const DerivedColumn = z.strictObject({
  ...ComponentBase,
  ...OnError,
  type: z.literal('derivedColumn'),
  columns: z
    .array(
      z.strictObject({
        name: ColumnName,
        /** Expression over the row's columns ([Column] or Column) and variables (@[User::X]). */
        expression: Expression,
        dataType: ColumnType,
        /** Replace the input column of this name instead of adding one. */
        replace: z.boolean().default(false),
      }),
    )
    .min(1),
});

export const ConditionalSplit = z.strictObject({
  ...ComponentBase,
  ...OnError,
  type: z.literal('conditionalSplit'),
  /** In order: a row goes to the first output whose condition is true. */
  conditions: z
    .array(z.strictObject({ output: Name, condition: Expression }))
    .min(1)
    .refine((cs) => uniqueNames(cs.map((c) => ({ name: c.output }))), 'output names must be unique'),
  defaultOutput: Name.default('Default'),
});

export const DataConversion = z.strictObject({
  ...ComponentBase,
  ...OnError,
  type: z.literal('dataConversion'),
  conversions: z
    .array(
      z.strictObject({
        input: ColumnName,
        /** The new column; default "Copy of <input>" as in SSIS. */
        output: ColumnName.optional(),
        dataType: ColumnType,
        format: z.string().max(64).optional(),
      }),
    )
    .min(1),
});

/** Lookup's reference data: a query on a SQL connection manager, or a flat file. */
export const LookupReference = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('query'),
    connection: Name,
    query: z.string().min(1),
    columns: z.array(ColumnDef).min(1),
  }),
  z.strictObject({
    type: z.literal('flatFile'),
    connection: Name,
    columns: z.array(ColumnDef).min(1),
  }),
]);

export const Lookup = z.strictObject({
  ...ComponentBase,
  ...OnError,
  type: z.literal('lookup'),
  reference: LookupReference,
  /** Input column = reference column pairs that must all match. */
  joins: z.array(z.strictObject({ input: ColumnName, reference: ColumnName })).min(1),
  /** Reference columns added to matching rows (as `as`, default the same name). */
  outputColumns: z.array(z.strictObject({ reference: ColumnName, as: ColumnName.optional() })).default([]),
  /** Rows without a match: to the "No Match" output (RedirectRow), kept with NULLs (IgnoreFailure) or fail. */
  noMatch: ErrorDisposition.default('FailComponent'),
});

export const AggregateOperation = z.enum([
  'GroupBy',
  'Count',
  'CountAll',
  'CountDistinct',
  'Sum',
  'Min',
  'Max',
  'Avg',
]);
export const Aggregate = z.strictObject({
  ...ComponentBase,
  type: z.literal('aggregate'),
  columns: z
    .array(
      z.strictObject({
        operation: AggregateOperation,
        /** The input column (not for CountAll). */
        input: ColumnName.optional(),
        /** The output column's name; default the input's (or "Count" for CountAll). */
        output: ColumnName.optional(),
      }),
    )
    .min(1),
});

export const Sort = z.strictObject({
  ...ComponentBase,
  type: z.literal('sort'),
  keys: z.array(z.strictObject({ column: ColumnName, descending: z.boolean().default(false) })).min(1),
  /** Keep one row per distinct sort key (SSIS "remove rows with duplicate sort values"). */
  removeDuplicates: z.boolean().default(false),
  /** Rows held in memory before a sorted run is spilled to a temporary file. */
  maxRowsInMemory: z.number().int().min(100).default(200_000),
});

export const UnionAll = z.strictObject({
  ...ComponentBase,
  type: z.literal('unionAll'),
});

export const Multicast = z.strictObject({
  ...ComponentBase,
  type: z.literal('multicast'),
});

export const MergeJoin = z.strictObject({
  ...ComponentBase,
  type: z.literal('mergeJoin'),
  joinType: z.enum(['Inner', 'Left', 'Full']).default('Inner'),
  /** Key columns of the Left and Right inputs, in order; both inputs must arrive sorted on them. */
  leftKeys: z.array(ColumnName).min(1),
  rightKeys: z.array(ColumnName).min(1),
  /** Output columns: from which input, which column, and its name in the output. */
  outputColumns: z
    .array(
      z.strictObject({ input: z.enum(['Left', 'Right']), column: ColumnName, as: ColumnName.optional() }),
    )
    .min(1),
});

export const RowCount = z.strictObject({
  ...ComponentBase,
  type: z.literal('rowCount'),
  variable: VariableRef,
});

// ---------------------------------------------------------------------------------------------
// Destinations

export const SqlDestination = z.strictObject({
  ...ComponentBase,
  ...OnError,
  type: z.literal('sqlDestination'),
  connection: Name,
  table: z.string().min(1).max(256),
  /** Input column -> table column; by default every input column into the column of its name. */
  columnMappings: z.array(z.strictObject({ input: ColumnName, column: z.string().min(1) })).default([]),
  createTable: z.boolean().default(false),
  truncateFirst: z.boolean().default(false),
  /** Rows per INSERT statement (multi-row VALUES). */
  rowsPerStatement: z.number().int().min(1).max(5_000).default(5_000),
  /**
   * Single: the whole load is one transaction (a run stopped midway leaves the table as it was).
   * Batch: a commit every `commitRows` rows (a stop leaves the committed batches).
   */
  transactionMode: z.enum(['Single', 'Batch']).default('Single'),
  commitRows: z.number().int().min(1).default(50_000),
});

export const FlatFileDestination = z.strictObject({
  ...ComponentBase,
  type: z.literal('flatFileDestination'),
  connection: Name,
  overwrite: z.boolean().default(true),
});

export const JsonLinesDestination = z.strictObject({
  ...ComponentBase,
  type: z.literal('jsonLinesDestination'),
  connection: Name,
  overwrite: z.boolean().default(true),
});

export const DataFlowComponent = z.discriminatedUnion('type', [
  FlatFileSource,
  SqlSource,
  JsonLinesSource,
  DerivedColumn,
  ConditionalSplit,
  DataConversion,
  Lookup,
  Aggregate,
  Sort,
  UnionAll,
  Multicast,
  MergeJoin,
  RowCount,
  SqlDestination,
  FlatFileDestination,
  JsonLinesDestination,
]);
export type DataFlowComponent = z.infer<typeof DataFlowComponent>;
export type ComponentOf<T extends DataFlowComponent['type']> = Extract<DataFlowComponent, { type: T }>;

/**
 * A path: from a component's output ("Component" for its default output, "Component.Output name"
 * for another, "Component.Error" for its error output) to a component's input ("Component", or
 * "Component.Left" / "Component.Right" for a merge join).
 */
export const DataFlowPath = z.strictObject({
  from: z.string().min(1).max(300),
  to: z.string().min(1).max(300),
});
export type DataFlowPath = z.infer<typeof DataFlowPath>;

export const DataFlowFields = {
  components: z
    .array(DataFlowComponent)
    .min(1, 'a data flow needs at least one component')
    .refine(uniqueNames, 'component names must be unique'),
  paths: z.array(DataFlowPath).default([]),
  /** Rows per buffer passed between components (SSIS DefaultBufferMaxRows). */
  defaultBufferMaxRows: z.number().int().min(1).max(100_000).default(10_000),
};
