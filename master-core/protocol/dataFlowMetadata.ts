/**
 * Column metadata of a data flow: which columns (name and type) travel on each path, derived from
 * the sources' declared columns through every component. Deploy uses it to refuse a data flow
 * whose paths or columns do not fit; the engine uses the same result to lay rows out as arrays.
 */
import type { ColumnType, DataFlowComponent, DataFlowPath } from './dataFlowFormat';
import { COLUMN_SCOPE, expressionProblems } from './expressionLanguage';

export interface ColumnMeta {
  name: string;
  dataType: ColumnType;
}

/** Columns an error output adds to the failing row (SSIS ErrorCode and ErrorColumn, plus text). */
export const ERROR_COLUMNS: readonly ColumnMeta[] = [
  { name: 'ErrorCode', dataType: 'Int32' },
  { name: 'ErrorColumn', dataType: 'String' },
  { name: 'ErrorDescription', dataType: 'String' },
];
/** What a source's error output carries: the raw text of the bad record and where it was. */
export const SOURCE_ERROR_COLUMNS: readonly ColumnMeta[] = [
  { name: 'LineNumber', dataType: 'Int64' },
  { name: 'RawText', dataType: 'String' },
  ...ERROR_COLUMNS,
];

export const DEFAULT_OUTPUT = 'Output';
export const ERROR_OUTPUT = 'Error';

export type ComponentKind = 'source' | 'transformation' | 'destination';
const SOURCES = new Set(['flatFileSource', 'sqlSource', 'jsonLinesSource']);
const DESTINATIONS = new Set(['sqlDestination', 'flatFileDestination', 'jsonLinesDestination']);
export function kindOf(component: DataFlowComponent): ComponentKind {
  if (SOURCES.has(component.type)) return 'source';
  if (DESTINATIONS.has(component.type)) return 'destination';
  return 'transformation';
}

/** Components with an error output (per-row failures can be redirected). */
const WITH_ERROR_OUTPUT = new Set([
  'flatFileSource',
  'jsonLinesSource',
  'derivedColumn',
  'conditionalSplit',
  'dataConversion',
  'lookup',
  'sqlDestination',
]);

/** Input names a component accepts: [] for sources; "*" for Union All (any number). */
export function inputNamesOf(component: DataFlowComponent): string[] {
  if (kindOf(component) === 'source') return [];
  if (component.type === 'mergeJoin') return ['Left', 'Right'];
  if (component.type === 'unionAll') return ['*'];
  return ['Input'];
}

/** One end of a path, parsed. */
export interface Endpoint {
  component: string;
  port: string;
}

export interface ResolvedPath {
  index: number;
  from: Endpoint;
  to: Endpoint;
}

export interface DataFlowLayout {
  /** Components in an order where every component comes after those that feed it. */
  order: string[];
  paths: ResolvedPath[];
  /** component -> input name -> its columns (Union All inputs are named "Input 1", "Input 2"...). */
  inputs: Map<string, Map<string, ColumnMeta[]>>;
  /** component -> output name -> its columns. */
  outputs: Map<string, Map<string, ColumnMeta[]>>;
}

export interface DataFlowProblem {
  /** Path in the data flow task, e.g. "components.2.columns.0.expression" or "paths.3.to". */
  path: string;
  message: string;
}

const find = (columns: readonly ColumnMeta[], name: string) =>
  columns.find((c) => c.name.toLowerCase() === name.toLowerCase());

function splitEndpoint(text: string, names: ReadonlyMap<string, DataFlowComponent>): Endpoint | null {
  // The longest component name that prefixes the text wins: names may contain dots.
  const exact = names.get(text.toLowerCase());
  if (exact) return { component: exact.name, port: '' };
  const dot = [...names.values()]
    .filter((c) => text.toLowerCase().startsWith(`${c.name.toLowerCase()}.`))
    .sort((a, b) => b.name.length - a.name.length)[0];
  return dot ? { component: dot.name, port: text.slice(dot.name.length + 1) } : null;
}

/** Output names a component offers, and whether one output may feed several paths. */
function outputNamesOf(component: DataFlowComponent): string[] {
  const names: string[] = [];
  if (kindOf(component) !== 'destination') {
    if (component.type === 'conditionalSplit')
      names.push(...component.conditions.map((c) => c.output), component.defaultOutput);
    else if (component.type === 'lookup') names.push('Match', 'No Match');
    else names.push(DEFAULT_OUTPUT);
  }
  if (WITH_ERROR_OUTPUT.has(component.type)) names.push(ERROR_OUTPUT);
  return names;
}

/** The type an aggregate gives. */
function aggregateType(operation: string, input: ColumnMeta | undefined): ColumnType {
  switch (operation) {
    case 'Count':
    case 'CountAll':
    case 'CountDistinct':
      return 'Int64';
    case 'Avg':
      return 'Double';
    case 'Sum':
      return input?.dataType === 'Int32' ? 'Int64' : (input?.dataType ?? 'Double');
    default:
      return input?.dataType ?? 'String';
  }
}

/**
 * Works out the layout of a data flow and every problem in it: unknown components or ports in
 * paths, an output feeding two paths (use a Multicast), a component with a missing input, a
 * cycle, and every column a component names that its input does not have (including inside
 * expressions). `knownReference` says which @[...] references exist where the task runs.
 */
export function layoutDataFlow(
  flow: { components: readonly DataFlowComponent[]; paths: readonly DataFlowPath[] },
  knownReference: (reference: string) => boolean = () => true,
): { layout: DataFlowLayout; problems: DataFlowProblem[] } {
  const problems: DataFlowProblem[] = [];
  const problem = (path: string, message: string) => problems.push({ path, message });
  const byName = new Map(flow.components.map((c) => [c.name.toLowerCase(), c]));
  const indexOf = new Map(flow.components.map((c, i) => [c.name, i]));
  const paths: ResolvedPath[] = [];
  const usedOutputs = new Set<string>();
  const usedInputs = new Map<string, number>();

  flow.paths.forEach((p, index) => {
    const from = splitEndpoint(p.from, byName);
    const to = splitEndpoint(p.to, byName);
    if (!from) problem(`paths.${index}.from`, `no component named ${p.from}`);
    if (!to) problem(`paths.${index}.to`, `no component named ${p.to}`);
    if (!from || !to) return;
    const source = byName.get(from.component.toLowerCase())!;
    const target = byName.get(to.component.toLowerCase())!;
    const outputs = outputNamesOf(source);
    const outName =
      from.port === '' ? outputs[0] : outputs.find((o) => o.toLowerCase() === from.port.toLowerCase());
    if (!outName) {
      problem(
        `paths.${index}.from`,
        outputs.length === 0
          ? `${source.name} is a destination: it has no output`
          : `${source.name} has no output ${from.port} (it has ${outputs.join(', ')})`,
      );
      return;
    }
    const inputs = inputNamesOf(target);
    let inName: string | undefined;
    if (inputs.length === 0) {
      problem(`paths.${index}.to`, `${target.name} is a source: it has no input`);
      return;
    } else if (inputs[0] === '*') {
      const n = (usedInputs.get(target.name) ?? 0) + 1;
      usedInputs.set(target.name, n);
      inName = `Input ${n}`;
    } else if (to.port === '') {
      inName = inputs.length === 1 ? inputs[0] : undefined;
      if (!inName)
        problem(
          `paths.${index}.to`,
          `say which input of ${target.name}: ${inputs.map((i) => `${target.name}.${i}`).join(' or ')}`,
        );
    } else {
      inName = inputs.find((i) => i.toLowerCase() === to.port.toLowerCase());
      if (!inName)
        problem(`paths.${index}.to`, `${target.name} has no input ${to.port} (it has ${inputs.join(', ')})`);
    }
    if (!inName) return;
    const outKey = `${source.name}\u0000${outName}`;
    if (usedOutputs.has(outKey) && source.type !== 'multicast')
      problem(
        `paths.${index}.from`,
        `output ${outName} of ${source.name} already feeds a path: add a Multicast to send rows to several`,
      );
    usedOutputs.add(outKey);
    const inKey = `${target.name}\u0000${inName}`;
    if (inputs[0] !== '*' && paths.some((q) => `${q.to.component}\u0000${q.to.port}` === inKey))
      problem(`paths.${index}.to`, `input ${inName} of ${target.name} already has a path`);
    paths.push({
      index,
      from: { component: source.name, port: outName },
      to: { component: target.name, port: inName },
    });
  });

  // Order: Kahn's algorithm; what remains is in a cycle.
  const incoming = new Map(flow.components.map((c) => [c.name, 0]));
  for (const p of paths) incoming.set(p.to.component, incoming.get(p.to.component)! + 1);
  const ready = flow.components.filter((c) => incoming.get(c.name) === 0).map((c) => c.name);
  const order: string[] = [];
  while (ready.length > 0) {
    const name = ready.shift()!;
    order.push(name);
    for (const p of paths.filter((q) => q.from.component === name)) {
      const left = incoming.get(p.to.component)! - 1;
      incoming.set(p.to.component, left);
      if (left === 0) ready.push(p.to.component);
    }
  }
  if (order.length < flow.components.length) {
    const stuck = flow.components.filter((c) => !order.includes(c.name)).map((c) => c.name);
    problem('paths', `paths form a cycle through ${stuck.join(', ')}`);
  }

  const inputs = new Map<string, Map<string, ColumnMeta[]>>();
  const outputs = new Map<string, Map<string, ColumnMeta[]>>();
  for (const name of order) {
    const component = byName.get(name.toLowerCase())!;
    const at = `components.${indexOf.get(name)}`;
    const ins = new Map<string, ColumnMeta[]>();
    for (const p of paths.filter((q) => q.to.component === name)) {
      ins.set(p.to.port, outputs.get(p.from.component)?.get(p.from.port) ?? []);
    }
    inputs.set(name, ins);
    const declared = inputNamesOf(component);
    if (declared.length > 0 && ins.size === 0) problem(at, `${name} has no input path`);
    if (component.type === 'mergeJoin' && ins.size === 1)
      problem(at, `${name} needs both its Left and Right inputs`);
    const outs = outputsOf(component, ins, at, problem, knownReference);
    outputs.set(name, outs);
  }
  return { layout: { order, paths, inputs, outputs }, problems };
}

function outputsOf(
  component: DataFlowComponent,
  ins: Map<string, ColumnMeta[]>,
  at: string,
  problem: (path: string, message: string) => void,
  knownReference: (reference: string) => boolean,
): Map<string, ColumnMeta[]> {
  const input = ins.get('Input') ?? [...ins.values()][0] ?? [];
  const out = new Map<string, ColumnMeta[]>();
  const need = (column: string, where: string, columns: readonly ColumnMeta[] = input) => {
    const hit = find(columns, column);
    if (!hit)
      problem(
        where,
        `no input column ${column} (the input has ${columns.map((c) => c.name).join(', ') || 'no columns'})`,
      );
    return hit;
  };
  const expression = (source: string, where: string) => {
    for (const message of expressionProblems(
      source,
      (r) =>
        r.startsWith(`${COLUMN_SCOPE}::`)
          ? find(input, r.slice(COLUMN_SCOPE.length + 2)) !== undefined
          : knownReference(r),
      { columns: true },
    ))
      problem(where, message);
  };
  const errorOutput = (columns: readonly ColumnMeta[]) => [...columns, ...ERROR_COLUMNS];
  const meta = (columns: readonly { name: string; dataType: ColumnType }[]) =>
    columns.map((c) => ({ name: c.name, dataType: c.dataType }));

  switch (component.type) {
    case 'flatFileSource':
    case 'jsonLinesSource':
      out.set(DEFAULT_OUTPUT, meta(component.columns));
      out.set(ERROR_OUTPUT, [...SOURCE_ERROR_COLUMNS]);
      break;
    case 'sqlSource':
      out.set(DEFAULT_OUTPUT, meta(component.columns));
      component.parameters.forEach((p, i) => {
        for (const message of expressionProblems(p, knownReference))
          problem(`${at}.parameters.${i}`, message);
      });
      break;
    case 'derivedColumn': {
      const columns = [...input];
      component.columns.forEach((c, i) => {
        expression(c.expression, `${at}.columns.${i}.expression`);
        const existing = columns.findIndex((x) => x.name.toLowerCase() === c.name.toLowerCase());
        if (c.replace) {
          if (existing < 0) problem(`${at}.columns.${i}.name`, `no input column ${c.name} to replace`);
          else columns[existing] = { name: columns[existing]!.name, dataType: c.dataType };
        } else if (existing >= 0) {
          problem(
            `${at}.columns.${i}.name`,
            `the input already has a column ${c.name}: set replace: true or pick another name`,
          );
        } else columns.push({ name: c.name, dataType: c.dataType });
      });
      out.set(DEFAULT_OUTPUT, columns);
      out.set(ERROR_OUTPUT, errorOutput(input));
      break;
    }
    case 'conditionalSplit':
      component.conditions.forEach((c, i) => {
        if ([ERROR_OUTPUT, component.defaultOutput].some((n) => n.toLowerCase() === c.output.toLowerCase()))
          problem(
            `${at}.conditions.${i}.output`,
            `output name ${c.output} is taken (the default or the Error output)`,
          );
        expression(c.condition, `${at}.conditions.${i}.condition`);
        out.set(c.output, input);
      });
      out.set(component.defaultOutput, input);
      out.set(ERROR_OUTPUT, errorOutput(input));
      break;
    case 'dataConversion': {
      const columns = [...input];
      component.conversions.forEach((c, i) => {
        need(c.input, `${at}.conversions.${i}.input`);
        const name = c.output ?? `Copy of ${c.input}`;
        if (find(columns, name))
          problem(`${at}.conversions.${i}.output`, `the output already has a column ${name}`);
        columns.push({ name, dataType: c.dataType });
      });
      out.set(DEFAULT_OUTPUT, columns);
      out.set(ERROR_OUTPUT, errorOutput(input));
      break;
    }
    case 'lookup': {
      const reference = component.reference.columns;
      component.joins.forEach((j, i) => {
        need(j.input, `${at}.joins.${i}.input`);
        need(j.reference, `${at}.joins.${i}.reference`, reference);
      });
      const added: ColumnMeta[] = [];
      component.outputColumns.forEach((o, i) => {
        const hit = need(o.reference, `${at}.outputColumns.${i}.reference`, reference);
        const name = o.as ?? o.reference;
        if (find(input, name) || find(added, name))
          problem(`${at}.outputColumns.${i}`, `the output already has a column ${name}: rename it with "as"`);
        if (hit) added.push({ name, dataType: hit.dataType });
      });
      out.set('Match', [...input, ...added]);
      out.set('No Match', input);
      out.set(ERROR_OUTPUT, errorOutput(input));
      break;
    }
    case 'aggregate': {
      const columns: ColumnMeta[] = [];
      component.columns.forEach((c, i) => {
        const source =
          c.operation === 'CountAll'
            ? undefined
            : c.input === undefined
              ? undefined
              : need(c.input, `${at}.columns.${i}.input`);
        if (c.operation !== 'CountAll' && c.input === undefined)
          problem(`${at}.columns.${i}.input`, `${c.operation} needs an input column`);
        if (
          (c.operation === 'Sum' || c.operation === 'Avg') &&
          source &&
          !['Int32', 'Int64', 'Double', 'Decimal'].includes(source.dataType)
        )
          problem(
            `${at}.columns.${i}.input`,
            `${c.operation} needs a numeric column; ${source.name} is ${source.dataType}`,
          );
        const name = c.output ?? c.input ?? 'Count';
        if (find(columns, name)) problem(`${at}.columns.${i}.output`, `two output columns are named ${name}`);
        columns.push({ name, dataType: aggregateType(c.operation, source) });
      });
      out.set(DEFAULT_OUTPUT, columns);
      break;
    }
    case 'sort':
      component.keys.forEach((k, i) => need(k.column, `${at}.keys.${i}.column`));
      out.set(DEFAULT_OUTPUT, input);
      break;
    case 'unionAll': {
      const first = ins.get('Input 1') ?? [];
      for (const [name, columns] of ins) {
        for (const column of first) {
          const hit = find(columns, column.name);
          if (!hit)
            problem(
              at,
              `${name} of ${component.name} has no column ${column.name} (Union All matches columns by name)`,
            );
          else if (hit.dataType !== column.dataType)
            problem(
              at,
              `column ${column.name} is ${column.dataType} in Input 1 but ${hit.dataType} in ${name}`,
            );
        }
      }
      out.set(DEFAULT_OUTPUT, first);
      break;
    }
    case 'multicast':
    case 'rowCount':
      out.set(DEFAULT_OUTPUT, input);
      break;
    case 'mergeJoin': {
      const left = ins.get('Left') ?? [];
      const right = ins.get('Right') ?? [];
      if (component.leftKeys.length !== component.rightKeys.length)
        problem(`${at}.rightKeys`, 'leftKeys and rightKeys must have as many columns');
      component.leftKeys.forEach((k, i) => need(k, `${at}.leftKeys.${i}`, left));
      component.rightKeys.forEach((k, i) => need(k, `${at}.rightKeys.${i}`, right));
      const columns: ColumnMeta[] = [];
      component.outputColumns.forEach((o, i) => {
        const hit = need(o.column, `${at}.outputColumns.${i}.column`, o.input === 'Left' ? left : right);
        const name = o.as ?? o.column;
        if (find(columns, name))
          problem(`${at}.outputColumns.${i}`, `two output columns are named ${name}: rename one with "as"`);
        if (hit) columns.push({ name, dataType: hit.dataType });
      });
      out.set(DEFAULT_OUTPUT, columns);
      break;
    }
    case 'sqlDestination':
      component.columnMappings.forEach((m, i) => need(m.input, `${at}.columnMappings.${i}.input`));
      out.set(ERROR_OUTPUT, errorOutput(input));
      break;
    case 'flatFileDestination':
    case 'jsonLinesDestination':
      break;
  }
  return out;
}
