import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiMethods } from '../protocol/api';
import type { ApiMethodName } from '../protocol/api';
import { methodPolicies } from '../security/permissions';
import { startTestMaster } from './masterFixture';
import { echoProject } from './catalogApi.fixture';
import { PASSWORD, ok, post } from './securityApi.fixture';

/**
 * The whole console API against every role and folder permission, over real HTTP on a real master.
 * For every method: who may call it (independently of security/permissions.ts: this is the
 * specification it is checked against), a valid input, and for destructive calls a setup that
 * makes a throwaway object. A refused call must answer 403 FORBIDDEN and leave everything as it
 * was; an allowed one must get past the check (any answer but 401/403, never a 500).
 */
type Expect = 'public' | 'self' | 'any' | 'admin' | 'read' | 'execute' | 'modify';

interface Case {
  expect: Expect;
  /** Makes what the call acts on (with the console token); returns the input. */
  input: (setup: Setup) => Promise<unknown> | unknown;
}

interface Setup {
  console: (method: string, input?: unknown) => Promise<Record<string, unknown>>;
  n: number;
  caller: string;
  executionId: number;
}

const F = 'Secure';
const cases: Record<ApiMethodName, Case> = {
  'master.info': { expect: 'any', input: () => ({}) },
  'master.rotateCertificate': { expect: 'admin', input: () => ({ newCa: false, overlapSeconds: 0 }) },
  'master.dashboard': { expect: 'any', input: () => ({}) },
  'catalog.tree': { expect: 'any', input: () => ({}) },
  'folder.create': { expect: 'admin', input: (s) => ({ name: `New${s.n}` }) },
  'folder.delete': { expect: 'admin', input: () => ({ name: F }) },
  'project.deploy': { expect: 'modify', input: () => ({ folderName: F, bundle: echoProject() }) },
  'project.deployFiles': {
    expect: 'modify',
    input: () => ({ folderName: F, files: [{ path: 'x.txt', content: '' }], validateOnly: true }),
  },
  'project.versions': { expect: 'read', input: () => ({ folderName: F, projectName: 'Echo' }) },
  'project.restore': {
    expect: 'modify',
    input: () => ({ folderName: F, projectName: 'Echo', versionId: 999_999 }),
  },
  'project.delete': { expect: 'modify', input: () => ({ folderName: F, projectName: 'Nope' }) },
  'project.parameters': { expect: 'read', input: () => ({ folderName: F, projectName: 'Echo' }) },
  'project.configure': {
    expect: 'modify',
    input: () => ({ folderName: F, projectName: 'Echo', reference: '$Project::Env', value: 'Prod' }),
  },
  'project.references': { expect: 'read', input: () => ({ folderName: F, projectName: 'Echo' }) },
  'reference.add': {
    expect: 'modify',
    input: (s) => ({ folderName: F, projectName: 'Nope', environmentName: `E${s.n}` }),
  },
  'reference.remove': {
    expect: 'modify',
    input: async (s) => {
      await s.console('environment.create', { folderName: F, environmentName: `R${s.n}` });
      const { referenceId } = await s.console('reference.add', {
        folderName: F,
        projectName: 'Echo',
        environmentName: `R${s.n}`,
      });
      return { referenceId };
    },
  },
  'environment.list': { expect: 'read', input: () => ({ folderName: F }) },
  'environment.create': { expect: 'modify', input: (s) => ({ folderName: F, environmentName: `C${s.n}` }) },
  'environment.delete': {
    expect: 'modify',
    input: async (s) => {
      await s.console('environment.create', { folderName: F, environmentName: `D${s.n}` });
      return { folderName: F, environmentName: `D${s.n}` };
    },
  },
  'environment.setVariable': {
    expect: 'modify',
    input: () => ({ folderName: F, environmentName: 'Prod', name: 'V', dataType: 'String', value: 'x' }),
  },
  'environment.deleteVariable': {
    expect: 'modify',
    input: async () => {
      await ok(master.consoleUrl, master.consoleToken, 'environment.setVariable', {
        folderName: F,
        environmentName: 'Prod',
        name: 'Gone',
        dataType: 'String',
        value: 'x',
      });
      return { folderName: F, environmentName: 'Prod', name: 'Gone' };
    },
  },
  'execution.create': {
    expect: 'execute',
    input: () => ({ folderName: F, projectName: 'Echo', packageName: 'Say', parameters: { Target: 't' } }),
  },
  'execution.list': { expect: 'any', input: () => ({}) },
  'execution.stop': {
    expect: 'execute',
    input: async (s) => {
      const { executionId } = await s.console('execution.create', {
        folderName: F,
        projectName: 'Echo',
        packageName: 'Say',
        parameters: { Target: 'stop me' },
      });
      return { executionId };
    },
  },
  'execution.explain': { expect: 'read', input: (s) => ({ executionId: s.executionId }) },
  'execution.attempts': { expect: 'read', input: (s) => ({ executionId: s.executionId }) },
  'execution.preview': { expect: 'any', input: () => ({ targeting: { kind: 'any' } }) },
  'execution.get': { expect: 'read', input: (s) => ({ executionId: s.executionId }) },
  'execution.parameters': { expect: 'read', input: (s) => ({ executionId: s.executionId }) },
  'execution.statistics': { expect: 'read', input: (s) => ({ executionId: s.executionId }) },
  'execution.messages': { expect: 'read', input: (s) => ({ executionId: s.executionId }) },
  'worker.list': { expect: 'any', input: () => ({}) },
  'worker.enable': { expect: 'admin', input: () => ({ name: 'nobody' }) },
  'worker.disable': { expect: 'admin', input: () => ({ name: 'nobody' }) },
  'worker.drain': { expect: 'admin', input: () => ({ name: 'nobody' }) },
  'worker.update': { expect: 'admin', input: () => ({ name: 'nobody', description: 'x' }) },
  'worker.enrolmentToken.create': { expect: 'admin', input: () => ({}) },
  'worker.enrolmentToken.list': { expect: 'admin', input: () => ({}) },
  'worker.enrolmentToken.revoke': { expect: 'admin', input: () => ({ tokenId: 'nope' }) },
  'worker.revoke': { expect: 'admin', input: () => ({ name: 'nobody' }) },
  'worker.health': { expect: 'any', input: () => ({ workerId: 'nobody' }) },
  'property.list': { expect: 'any', input: () => ({}) },
  'property.set': { expect: 'admin', input: () => ({ name: 'MAX_PROJECT_VERSIONS', value: '10' }) },
  'auth.login': { expect: 'public', input: (s) => ({ userName: s.caller, password: PASSWORD }) },
  'auth.logout': { expect: 'self', input: () => ({}) },
  'auth.whoami': { expect: 'self', input: () => ({}) },
  'user.list': { expect: 'admin', input: () => ({}) },
  'user.create': {
    expect: 'admin',
    input: (s) => ({ userName: `made${s.n}`, password: PASSWORD, role: 'viewer' }),
  },
  'user.update': { expect: 'admin', input: () => ({ userName: 'bystander', description: 'touched' }) },
  'user.delete': {
    expect: 'admin',
    input: async (s) => {
      await s.console('user.create', { userName: `victim${s.n}`, password: PASSWORD, role: 'viewer' });
      return { userName: `victim${s.n}` };
    },
  },
  'token.list': { expect: 'self', input: () => ({}) },
  'token.create': { expect: 'self', input: (s) => ({ name: `t${s.n}` }) },
  'token.revoke': {
    expect: 'self',
    input: async (s) => {
      const { tokenRow } = (await s.console('token.create', { name: `own${s.n}`, userName: s.caller })) as {
        tokenRow: { tokenId: string };
      };
      return { tokenId: tokenRow.tokenId };
    },
  },
  'permission.list': { expect: 'admin', input: () => ({}) },
  'permission.set': {
    expect: 'admin',
    input: () => ({ folderName: F, userName: 'bystander', read: true, execute: false, modify: false }),
  },
  'audit.list': { expect: 'admin', input: () => ({}) },
};

/** Extra cases beyond one per method: acting on another user's things needs admin. */
const othersCases: { method: ApiMethodName; input: (s: Setup) => Promise<unknown> | unknown }[] = [
  { method: 'token.list', input: () => ({ userName: 'bystander' }) },
  { method: 'token.create', input: (s) => ({ name: `for-other${s.n}`, userName: 'bystander' }) },
  {
    method: 'token.revoke',
    input: async (s) => {
      const { tokenRow } = (await s.console('token.create', {
        name: `theirs${s.n}`,
        userName: 'bystander',
      })) as {
        tokenRow: { tokenId: string };
      };
      return { tokenId: tokenRow.tokenId };
    },
  },
];

interface RoleCase {
  user: string;
  role: 'admin' | 'executor' | 'viewer';
  grant: { read: boolean; execute: boolean; modify: boolean } | null;
}

const none = { read: false, execute: false, modify: false };
const roleCases: RoleCase[] = [
  { user: 'ada', role: 'admin', grant: null },
  { user: 'eve', role: 'executor', grant: null },
  { user: 'emma', role: 'executor', grant: { ...none, modify: true } },
  { user: 'vic', role: 'viewer', grant: null },
  { user: 'vera', role: 'viewer', grant: { ...none, read: true } },
  { user: 'vix', role: 'viewer', grant: { ...none, execute: true } },
  { user: 'vim', role: 'viewer', grant: { ...none, modify: true } },
];

/** The specification: what each role with each grant on the folder may do. */
function allowed(expect: Expect, rc: RoleCase): boolean {
  const g = rc.grant ?? none;
  switch (expect) {
    case 'public':
    case 'self':
    case 'any':
      return true;
    case 'admin':
      return rc.role === 'admin';
    case 'read':
      return rc.role !== 'viewer' || g.read || g.execute || g.modify;
    case 'execute':
      return rc.role !== 'viewer' || g.execute;
    case 'modify':
      return rc.role === 'admin' || g.modify;
  }
}

let master: Awaited<ReturnType<typeof startTestMaster>>;
let n = 0;
let executionId = 0;
const consoleCall = (method: string, input: unknown = {}) =>
  ok(master.consoleUrl, master.consoleToken, method, input);

/** Everything a refused call could have changed, read with the console token. */
async function snapshot(): Promise<unknown> {
  const strip = (tokens: { lastUsedAt: unknown }[]) => tokens.map((t) => ({ ...t, lastUsedAt: null }));
  const [tree, executions, workers, users, properties, tokens, permissions, enrolment, info] =
    await Promise.all([
      consoleCall('catalog.tree'),
      consoleCall('execution.list', { limit: 1000 }),
      consoleCall('worker.list'),
      consoleCall('user.list'),
      consoleCall('property.list'),
      consoleCall('token.list'),
      consoleCall('permission.list'),
      consoleCall('worker.enrolmentToken.list'),
      consoleCall('master.info'),
    ]);
  const environments = await consoleCall('environment.list', { folderName: F });
  const parameters = await consoleCall('project.parameters', { folderName: F, projectName: 'Echo' });
  return {
    tree,
    executions,
    workers,
    users,
    properties,
    tokens: strip(tokens.tokens as { lastUsedAt: unknown }[]),
    permissions,
    enrolment,
    info,
    environments,
    parameters,
  };
}

beforeAll(async () => {
  master = await startTestMaster();
  await consoleCall('folder.create', { name: F });
  await consoleCall('project.deploy', { folderName: F, bundle: echoProject() });
  await consoleCall('environment.create', { folderName: F, environmentName: 'Prod' });
  await consoleCall('folder.create', { name: 'Elsewhere' });
  ({ executionId } = (await consoleCall('execution.create', {
    folderName: F,
    projectName: 'Echo',
    packageName: 'Say',
    parameters: { Target: 'seen' },
  })) as { executionId: number });
  await consoleCall('user.create', { userName: 'bystander', password: PASSWORD, role: 'viewer' });
  for (const rc of roleCases) {
    await consoleCall('user.create', { userName: rc.user, password: PASSWORD, role: rc.role });
    if (rc.grant) await consoleCall('permission.set', { folderName: F, userName: rc.user, ...rc.grant });
  }
}, 60_000);
afterAll(() => master.cleanup());

describe('the permissions table', () => {
  it('has an entry for every API method, and so does this test', () => {
    const methods = Object.keys(apiMethods).sort();
    expect(Object.keys(methodPolicies).sort()).toEqual(methods);
    expect(Object.keys(cases).sort()).toEqual(methods);
  });
});

describe.each(roleCases)('$user ($role, grant on the folder: $grant)', (rc) => {
  async function tokenFor(): Promise<string> {
    const { token } = (await consoleCall('token.create', { name: `case${(n += 1)}`, userName: rc.user })) as {
      token: string;
    };
    return token;
  }
  const setup = (): Setup => ({ console: consoleCall, n: (n += 1), caller: rc.user, executionId });

  it.each(Object.keys(cases) as ApiMethodName[])('%s', async (method) => {
    const c = cases[method];
    const token = await tokenFor();
    const input = await c.input(setup());
    const before = await snapshot();
    const answer = await post(master.consoleUrl, token, method, input);
    if (allowed(c.expect, rc)) {
      expect(answer.status, JSON.stringify(answer.body)).not.toBe(403);
      expect(answer.status, JSON.stringify(answer.body)).not.toBe(401);
      expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(500);
    } else {
      expect(answer.status, JSON.stringify(answer.body)).toBe(403);
      expect(answer.body.error?.code).toBe('FORBIDDEN');
      expect(await snapshot()).toEqual(before);
    }
  });

  it.each(othersCases)('$method on another user', async ({ method, input }) => {
    const token = await tokenFor();
    const made = await input(setup());
    const before = await snapshot();
    const answer = await post(master.consoleUrl, token, method, made);
    if (rc.role === 'admin') expect(answer.status).toBeLessThan(400);
    else {
      expect(answer.status).toBe(403);
      expect(await snapshot()).toEqual(before);
    }
  });

  it('sees only the folders and executions it may read', async () => {
    const token = await tokenFor();
    const tree = (await ok(master.consoleUrl, token, 'catalog.tree')) as { folders: { name: string }[] };
    const list = (await ok(master.consoleUrl, token, 'execution.list', {})) as { total: number };
    const reads = allowed('read', rc);
    expect(tree.folders.some((f) => f.name === F)).toBe(reads);
    expect(tree.folders.some((f) => f.name === 'Elsewhere')).toBe(rc.role !== 'viewer');
    if (reads) expect(list.total).toBeGreaterThan(0);
    else expect(list.total).toBe(0);
  });
});
