import { describe, expect, it } from 'vitest';
import { createContext, runInContext } from 'node:vm';
import type { ScriptPort } from './scriptGlobals';
import { createScriptScope, formatPart } from './scriptGlobals';
import type { ScriptStart } from './scriptProtocol';

const start = (variables: ScriptStart['variables']): ScriptStart => ({
  type: 'script.start',
  code: '',
  fileName: 'Script.js',
  variables,
  parameters: { project: { Env: 'prod' }, package: {} },
  system: { MachineName: 'w1' },
  timeoutMs: null,
});

function port(): ScriptPort & { logged: string[] } {
  const logged: string[] = [];
  return {
    logged,
    log: (level, message) => logged.push(`${level}: ${message}`),
    progress: (percent, message) => logged.push(`progress: ${percent} ${message}`),
    query: async () => [],
    fail: (message) => {
      throw new Error(message);
    },
  };
}

describe('createScriptScope', () => {
  it('reports only the variables whose value changed, deep changes included', () => {
    const scope = createScriptScope(start({ A: 1, B: 'x', C: [1], D: { e: 1 } }), port());
    runInContext('User.A = 1; User.B = "y"; User.C.push(2);', createContext(scope.globals));
    expect(scope.changedVariables()).toEqual({ B: 'y', C: [1, 2] });
  });

  it('refuses unknown and deleted variables at once', () => {
    const scope = createScriptScope(start({ A: 1 }), port());
    const context = createContext(scope.globals);
    expect(() => runInContext('User.Nope = 1', context)).toThrow(
      'User::Nope is not a variable of this package',
    );
    expect(() => runInContext('delete User.A', context)).toThrow('User::A cannot be deleted');
  });

  it('names a variable whose value is not JSON', () => {
    const scope = createScriptScope(start({ A: null }), port());
    runInContext('User.A = {}; User.A.self = User.A;', createContext(scope.globals));
    expect(() => scope.changedVariables()).toThrow(/^User::A holds a value that is not JSON/);
  });

  it('freezes parameters and system values', () => {
    const scope = createScriptScope(start({}), port());
    expect(
      runInContext(
        '$Project.Env = "dev"; System.MachineName = "x"; $Project.Env + System.MachineName',
        createContext(scope.globals),
      ),
    ).toBe('prodw1');
  });

  it('clamps progress and joins log parts', () => {
    const p = port();
    const scope = createScriptScope(start({}), p);
    runInContext(
      'log.progress(-5, "a"); log.progress("x"); console.warn("w", [1], new Error("e"))',
      createContext(scope.globals),
    );
    expect(p.logged).toEqual(['progress: 0 a', 'progress: 0 ', 'warning: w [1] e']);
  });
});

describe('formatPart', () => {
  it('writes strings as they are, errors by message, the rest as JSON', () => {
    expect([
      formatPart('a'),
      formatPart(new TypeError('t')),
      formatPart({ d: new Date(0) }),
      formatPart(undefined),
    ]).toEqual(['a', 't', '{"d":"1970-01-01T00:00:00.000Z"}', 'undefined']);
  });
});
