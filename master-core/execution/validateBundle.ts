/**
 * Checks what a schema cannot, across a whole project, and returns every problem (not just the
 * first) with the path inside the package where it is: references to variables, parameters and
 * system variables that do not exist in that scope; expressions that do not parse; connection
 * managers that do not exist or are of the wrong kind; precedence constraints between unknown
 * executables or in a cycle; Execute Package tasks naming unknown packages or parameters, or
 * packages that run each other in a cycle; property expressions for properties that do not exist.
 */
import {
  EVENT_SYSTEM_VARIABLES,
  SYSTEM_VARIABLES,
  expressionProblems,
  textReferences,
} from '../protocol/expressionLanguage';
import { layoutDataFlow } from '../protocol/dataFlowMetadata';
import { isContainer, settableConnectionProperties, settableProperties } from '../protocol/packageFormat';
import type {
  ConnectionManagerDef,
  ControlFlowDef,
  EventHandlers,
  ExecutableDef,
  PackageDef,
  ProjectBundle,
  VariableDef,
} from '../protocol/packageFormat';

export { SYSTEM_VARIABLES };

export interface BundleProblem {
  /** Package name, or "project" for the project file. */
  where: string;
  /** Path inside the package, e.g. tasks.1.arguments.2 */
  path: string;
  message: string;
}

/** Which connection manager types each data flow component that names one needs. */
const DATA_FLOW_CONNECTION_TYPES: Record<string, string[]> = {
  flatFileSource: ['flatFile'],
  jsonLinesSource: ['flatFile'],
  flatFileDestination: ['flatFile'],
  jsonLinesDestination: ['flatFile'],
  sqlSource: ['sqlite', 'postgresql'],
  sqlDestination: ['sqlite', 'postgresql'],
};

interface Scope {
  /** Lower-cased references that exist here: "user::x", "$package::p", "system::machinename". */
  known: Set<string>;
}

class PackageChecker {
  readonly problems: BundleProblem[] = [];
  private readonly connections = new Map<string, ConnectionManagerDef>();

  constructor(
    private readonly bundle: ProjectBundle,
    private readonly pkg: PackageDef,
  ) {
    for (const cm of [...bundle.project.connectionManagers, ...pkg.connectionManagers])
      this.connections.set(cm.name.toLowerCase(), cm);
  }

  private problem(path: string, message: string): void {
    this.problems.push({ where: this.pkg.name, path, message });
  }

  check(): void {
    const known = new Set<string>(
      [
        ...this.bundle.project.parameters.map((p) => `$project::${p.name}`),
        ...this.pkg.parameters.map((p) => `$package::${p.name}`),
        ...SYSTEM_VARIABLES.map((v) => `system::${v}`),
      ].map((s) => s.toLowerCase()),
    );
    const scope = this.withVariables({ known }, this.pkg.variables, 'variables');
    this.checkConnections(scope);
    this.checkHandlers(this.pkg.eventHandlers, scope, 'eventHandlers');
    this.checkFlow(this.pkg, scope, '');
  }

  private withVariables(scope: Scope, variables: readonly VariableDef[], path: string): Scope {
    const next: Scope = { known: new Set(scope.known) };
    for (const v of variables) next.known.add(`user::${v.name}`.toLowerCase());
    variables.forEach((v, i) => {
      if (v.expression) this.expression(next, v.expression, `${path}.${i}.expression`);
    });
    return next;
  }

  private expression(scope: Scope, source: string, path: string, assignment = false): void {
    for (const message of expressionProblems(source, (r) => scope.known.has(r.toLowerCase()), { assignment }))
      this.problem(path, message);
  }

  private text(scope: Scope, text: string | undefined, path: string): void {
    if (text === undefined) return;
    for (const reference of textReferences(text)) {
      if (!scope.known.has(reference.toLowerCase())) this.problem(path, `unknown reference @[${reference}]`);
    }
  }

  private variable(scope: Scope, reference: string | undefined, path: string): void {
    if (reference !== undefined && !scope.known.has(reference.toLowerCase()))
      this.problem(path, `unknown variable ${reference}`);
  }

  private connection(name: string | undefined, types: readonly string[], path: string): void {
    if (name === undefined) return;
    const cm = this.connections.get(name.toLowerCase());
    if (!cm) {
      const names = [...this.connections.values()].map((c) => c.name);
      this.problem(
        path,
        `unknown connection manager ${name}${names.length ? ` (known: ${names.join(', ')})` : ' (the package and project define none)'}`,
      );
    } else if (!types.includes(cm.type)) {
      this.problem(path, `connection manager ${cm.name} is ${cm.type}; this needs ${types.join(' or ')}`);
    }
  }

  private checkConnections(scope: Scope): void {
    this.pkg.connectionManagers.forEach((cm, i) =>
      checkConnectionManager(cm, `connectionManagers.${i}`, scope.known, (path, message) =>
        this.problem(path, message),
      ),
    );
  }

  private checkHandlers(handlers: EventHandlers, scope: Scope, path: string): void {
    for (const [event, flow] of Object.entries(handlers)) {
      const inner: Scope = { known: new Set(scope.known) };
      for (const v of EVENT_SYSTEM_VARIABLES) inner.known.add(`system::${v}`.toLowerCase());
      this.checkFlow(
        flow!,
        this.withVariables(inner, flow!.variables, `${path}.${event}.variables`),
        `${path}.${event}.`,
      );
    }
  }

  /** A control flow's executables and constraints; `prefix` is "" or "tasks.2." style. */
  private checkFlow(flow: ControlFlowDef, scope: Scope, prefix: string): void {
    const names = new Map(flow.tasks.map((t, i) => [t.name.toLowerCase(), i]));
    const edges = new Map<string, string[]>();
    const logic = new Map<string, boolean>();
    flow.precedenceConstraints.forEach((c, i) => {
      const path = `${prefix}precedenceConstraints.${i}`;
      for (const end of ['from', 'to'] as const) {
        if (!names.has(c[end].toLowerCase()))
          this.problem(`${path}.${end}`, `no task or container named ${c[end]} in this control flow`);
      }
      if (c.from.toLowerCase() === c.to.toLowerCase()) this.problem(path, `${c.from} cannot follow itself`);
      const needsExpression = c.evalOp !== 'Constraint';
      if (needsExpression && !c.expression) this.problem(path, `evalOp ${c.evalOp} needs an expression`);
      if (c.expression) this.expression(scope, c.expression, `${path}.expression`);
      const to = c.to.toLowerCase();
      if (logic.has(to) && logic.get(to) !== c.logicalAnd)
        this.problem(`${path}.logicalAnd`, `constraints into ${c.to} must all use the same logicalAnd`);
      logic.set(to, c.logicalAnd);
      edges.set(c.from.toLowerCase(), [...(edges.get(c.from.toLowerCase()) ?? []), to]);
    });
    const cycle = findCycle(edges);
    if (cycle)
      this.problem(
        `${prefix}precedenceConstraints`,
        `precedence constraints form a cycle: ${cycle.join(' -> ')}`,
      );
    flow.tasks.forEach((t, i) => this.checkExecutable(t, scope, `${prefix}tasks.${i}`));
  }

  private checkExecutable(t: ExecutableDef, outer: Scope, path: string): void {
    const scope = isContainer(t) ? this.withVariables(outer, t.variables, `${path}.variables`) : outer;
    const settable = settableProperties(t.type);
    for (const [property, source] of Object.entries(t.propertyExpressions)) {
      const at = `${path}.propertyExpressions.${property}`;
      if (!settable.includes(property))
        this.problem(at, `a ${t.type} task has no property ${property} that an expression can set`);
      this.expression(scope, source, at);
    }
    this.checkHandlers(t.eventHandlers, scope, `${path}.eventHandlers`);
    const text = (value: string | undefined, field: string) => this.text(scope, value, `${path}.${field}`);
    const variable = (value: string | undefined, field: string) =>
      this.variable(scope, value, `${path}.${field}`);
    switch (t.type) {
      case 'executeProcess':
        text(t.executable, 'executable');
        t.arguments.forEach((a, i) => text(a, `arguments.${i}`));
        text(t.workingDirectory, 'workingDirectory');
        text(t.standardInput, 'standardInput');
        for (const [k, v] of Object.entries(t.environment)) text(v, `environment.${k}`);
        variable(t.standardOutputVariable, 'standardOutputVariable');
        variable(t.standardErrorVariable, 'standardErrorVariable');
        variable(t.exitCodeVariable, 'exitCodeVariable');
        return;
      case 'script':
        if (t.code === undefined)
          this.problem(
            `${path}.${t.file ? 'file' : 'code'}`,
            t.file
              ? `script file ${t.file} was not read: deploy the project folder`
              : 'a script task needs code or file',
          );
        return;
      case 'executeSql':
        this.connection(t.connection, ['sqlite', 'postgresql'], `${path}.connection`);
        t.parameters.forEach((p, i) => this.expression(scope, p, `${path}.parameters.${i}`));
        t.resultBindings.forEach((b, i) => variable(b.variable, `resultBindings.${i}.variable`));
        variable(t.resultVariable, 'resultVariable');
        if (
          t.resultSet === 'FullResultSet' &&
          !t.resultVariable &&
          !('resultVariable' in t.propertyExpressions)
        )
          this.problem(`${path}.resultVariable`, 'a FullResultSet needs resultVariable');
        if (t.resultSet === 'SingleRow' && t.resultBindings.length === 0)
          this.problem(`${path}.resultBindings`, 'a SingleRow result set needs resultBindings');
        return;
      case 'fileSystem':
        text(t.source, 'source');
        text(t.destination, 'destination');
        return;
      case 'expression':
        this.expression(scope, t.expression, `${path}.expression`, true);
        return;
      case 'webRequest':
        this.connection(t.connection, ['http'], `${path}.connection`);
        text(t.url, 'url');
        text(t.body, 'body');
        text(t.responseFile, 'responseFile');
        for (const [k, v] of Object.entries(t.headers)) text(v, `headers.${k}`);
        variable(t.responseVariable, 'responseVariable');
        return;
      case 'executePackage': {
        const child = this.bundle.packages.find((p) => p.name.toLowerCase() === t.packageName.toLowerCase());
        if (!child) {
          this.problem(`${path}.packageName`, `no package ${t.packageName} in this project`);
          return;
        }
        for (const [name, source] of Object.entries(t.parameterBindings)) {
          if (!child.parameters.some((p) => p.name.toLowerCase() === name.toLowerCase()))
            this.problem(
              `${path}.parameterBindings.${name}`,
              `package ${child.name} has no parameter ${name}`,
            );
          this.expression(scope, source, `${path}.parameterBindings.${name}`);
        }
        for (const p of child.parameters) {
          const bound = Object.keys(t.parameterBindings).some(
            (k) => k.toLowerCase() === p.name.toLowerCase(),
          );
          if (p.required && p.defaultValue === undefined && !bound)
            this.problem(
              `${path}.parameterBindings`,
              `package ${child.name} needs parameter ${p.name}: bind it`,
            );
        }
        return;
      }
      case 'dataFlow': {
        const { problems } = layoutDataFlow(t, (r) => scope.known.has(r.toLowerCase()));
        for (const p of problems) this.problem(`${path}.${p.path}`, p.message);
        t.components.forEach((c, i) => {
          const at = `${path}.components.${i}`;
          if ('connection' in c) {
            const types = DATA_FLOW_CONNECTION_TYPES[c.type] ?? [];
            this.connection(c.connection, types, `${at}.connection`);
          }
          if (c.type === 'lookup') {
            const types = c.reference.type === 'query' ? ['sqlite', 'postgresql'] : ['flatFile'];
            this.connection(c.reference.connection, types, `${at}.reference.connection`);
          }
          if (c.type === 'rowCount') this.variable(scope, c.variable, `${at}.variable`);
        });
        return;
      }
      case 'sequence':
        this.checkFlow(t, scope, `${path}.`);
        return;
      case 'forLoop':
        if (t.initExpression) this.expression(scope, t.initExpression, `${path}.initExpression`, true);
        this.expression(scope, t.evalExpression, `${path}.evalExpression`);
        if (t.assignExpression) this.expression(scope, t.assignExpression, `${path}.assignExpression`, true);
        this.checkFlow(t, scope, `${path}.`);
        return;
      case 'foreachLoop': {
        const e = t.enumerator;
        if (e.type === 'files') {
          text(e.folder, 'enumerator.folder');
          text(e.pattern, 'enumerator.pattern');
        } else if (e.type === 'rows')
          this.connection(e.connection, ['sqlite', 'postgresql'], `${path}.enumerator.connection`);
        else if (e.type === 'variable') variable(e.variable, 'enumerator.variable');
        t.variableMappings.forEach((m, i) => variable(m.variable, `variableMappings.${i}.variable`));
        this.checkFlow(t, scope, `${path}.`);
        return;
      }
    }
  }
}

/**
 * A connection manager's property expressions: settable properties, valid expressions, known
 * references (a project's may use only project parameters and system variables: every package
 * shares them).
 */
function checkConnectionManager(
  cm: ConnectionManagerDef,
  path: string,
  known: ReadonlySet<string>,
  problem: (path: string, message: string) => void,
): void {
  for (const [property, source] of Object.entries(cm.propertyExpressions)) {
    const at = `${path}.propertyExpressions.${property}`;
    if (!settableConnectionProperties(cm.type).includes(property))
      problem(at, `a ${cm.type} connection manager has no property ${property} that an expression can set`);
    for (const message of expressionProblems(source, (r) => known.has(r.toLowerCase()))) problem(at, message);
  }
}

/** A cycle in a directed graph as a list of nodes (first repeated at the end), or null. */
function findCycle(edges: Map<string, string[]>): string[] | null {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | null => {
    if (state.get(node) === 'done') return null;
    if (state.get(node) === 'visiting') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of edges.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return null;
}

/** Package names each package runs through Execute Package tasks (anywhere in it). */
export function packageCalls(pkg: PackageDef): string[] {
  const out = new Set<string>();
  const walkFlow = (flow: { tasks: ExecutableDef[] }) => flow.tasks.forEach(walk);
  const walkHandlers = (handlers: EventHandlers) => Object.values(handlers).forEach((f) => walkFlow(f!));
  function walk(t: ExecutableDef): void {
    walkHandlers(t.eventHandlers);
    if (t.type === 'executePackage') out.add(t.packageName.toLowerCase());
    if (isContainer(t)) walkFlow(t);
  }
  walkHandlers(pkg.eventHandlers);
  walkFlow(pkg);
  return [...out];
}

/** The packages `root` runs through Execute Package tasks, directly or through others. */
export function childPackagesOf(root: PackageDef, packages: readonly PackageDef[]): PackageDef[] {
  const byName = new Map(packages.map((p) => [p.name.toLowerCase(), p]));
  const seen = new Set<string>([root.name.toLowerCase()]);
  const out: PackageDef[] = [];
  const queue = packageCalls(root);
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const pkg = byName.get(name);
    if (!pkg) continue;
    out.push(pkg);
    queue.push(...packageCalls(pkg));
  }
  return out;
}

/**
 * Checks every package of a bundle (see the file comment). Returns every problem, not just the
 * first.
 */
export function validateBundle(bundle: ProjectBundle): BundleProblem[] {
  const problems: BundleProblem[] = [];
  for (const pkg of bundle.packages) {
    const checker = new PackageChecker(bundle, pkg);
    checker.check();
    problems.push(...checker.problems);
  }
  const projectScope = new Set(
    [
      ...bundle.project.parameters.map((p) => `$project::${p.name}`),
      ...SYSTEM_VARIABLES.map((v) => `system::${v}`),
    ].map((s) => s.toLowerCase()),
  );
  bundle.project.connectionManagers.forEach((cm, i) =>
    checkConnectionManager(cm, `connectionManagers.${i}`, projectScope, (path, message) =>
      problems.push({ where: 'project', path, message }),
    ),
  );
  const calls = new Map(bundle.packages.map((p) => [p.name.toLowerCase(), packageCalls(p)]));
  const cycle = findCycle(calls);
  if (cycle) {
    const first = bundle.packages.find((p) => p.name.toLowerCase() === cycle[0])!;
    problems.push({
      where: first.name,
      path: 'tasks',
      message: `Execute Package tasks run packages in a cycle: ${cycle.join(' -> ')}`,
    });
  }
  return problems;
}
