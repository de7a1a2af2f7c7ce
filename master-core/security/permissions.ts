import type { ApiMethodName, ApiParsedInput } from '../protocol/api';
import type { FolderAccess, Role } from '../catalog/securityRepo';

/**
 * Who may call what: ONE table with an entry for every console API method, checked centrally by
 * the console server before the handler runs (console/consoleServer.ts). Roles follow SSISDB:
 *
 * - admin (ssis_admin): everything.
 * - executor (ssis_cluster_executor): reads every folder, its executions, workers and the catalog,
 *   and runs packages in every folder; changes only folders where it has modify.
 * - viewer: reads workers and the master's facts; reads, runs or changes only the folders its
 *   folder permissions grant (execute and modify imply read).
 *
 * Folder permissions (read / execute / modify, per user per folder) cover everything in the
 * folder: its projects, packages, environments and executions.
 */

export type Need = keyof FolderAccess;
export type Credential = 'console' | 'session' | 'api';

/** The caller of a request, as the console server authenticated it. */
export interface Principal {
  /** 'console' for the master's own per-launch token. */
  userName: string;
  role: Role;
  credential: Credential;
  /** The token used (user tokens only). */
  tokenId: string | null;
  /** When that token stops working (ISO); null: never, or the console token. */
  expiresAt: string | null;
  userId: number | null;
  /** Lower-cased folder name → what the user was granted there. */
  folders: ReadonlyMap<string, FolderAccess>;
}

/** Resolves an object named by id to the folder that holds it; null when it does not exist. */
export interface FolderLookup {
  executionFolder(executionId: number): Promise<string | null>;
  referenceFolder(referenceId: number): Promise<string | null>;
}

type FolderOf<M extends ApiMethodName> = (
  input: ApiParsedInput<M>,
  lookup: FolderLookup,
) => Promise<string | null> | string | null;

export type Rule<M extends ApiMethodName> =
  /** No credential needed (auth.login only). */
  | { access: 'public' }
  /** Any signed-in caller, on their own things (the handler refuses others' unless admin). */
  | { access: 'self' }
  /** Any signed-in caller: facts that are not in a folder (workers, the master). */
  | { access: 'any' }
  /** Any signed-in caller; the answer holds only folders the caller may read. */
  | { access: 'filtered' }
  | { access: 'admin' }
  /** Each listed folder needs the permission; a null folder (no such object) leaves NOT_FOUND to the handler. */
  | { access: 'folder'; checks: { need: Need; folder: FolderOf<M> }[] };

export interface MethodPolicy<M extends ApiMethodName> {
  rule: Rule<M>;
  /** It changes something: audited when it succeeds (refusals are audited always). */
  changes: boolean;
}

const folderIn = <M extends ApiMethodName>(need: Need, pick: FolderOf<M>): Rule<M> => ({
  access: 'folder',
  checks: [{ need, folder: pick }],
});
const ofExecution = <M extends ApiMethodName>(need: Need): Rule<M> =>
  folderIn<M>(need, (input, lookup) =>
    lookup.executionFolder((input as { executionId: number }).executionId),
  );
const byFolderName = <M extends ApiMethodName>(need: Need): Rule<M> =>
  folderIn<M>(need, (input) => (input as { folderName: string }).folderName);

const read = <M extends ApiMethodName>(rule: Rule<M>): MethodPolicy<M> => ({ rule, changes: false });
const change = <M extends ApiMethodName>(rule: Rule<M>): MethodPolicy<M> => ({ rule, changes: true });
const admin = { access: 'admin' } as const;
const any = { access: 'any' } as const;
const self = { access: 'self' } as const;
const filtered = { access: 'filtered' } as const;

export const methodPolicies: { [M in ApiMethodName]: MethodPolicy<M> } = {
  'master.info': read(any),
  'master.rotateCertificate': change(admin),
  'master.dashboard': read(any),
  'catalog.tree': read(filtered),
  'folder.create': change(admin),
  'folder.delete': change(admin),
  'project.deploy': change(byFolderName('modify')),
  'project.deployFiles': change(byFolderName('modify')),
  'project.versions': read(byFolderName('read')),
  'project.restore': change(byFolderName('modify')),
  'project.delete': change(byFolderName('modify')),
  'project.parameters': read(byFolderName('read')),
  'project.configure': change(byFolderName('modify')),
  'project.references': read(byFolderName('read')),
  'reference.add': change({
    access: 'folder',
    checks: [
      { need: 'modify', folder: (input) => input.folderName },
      // SSISDB: referencing an environment needs READ on it.
      { need: 'read', folder: (input) => input.environmentFolderName ?? input.folderName },
    ],
  }),
  'reference.remove': change(
    folderIn('modify', (input, lookup) => lookup.referenceFolder(input.referenceId)),
  ),
  'environment.list': read(byFolderName('read')),
  'environment.create': change(byFolderName('modify')),
  'environment.delete': change(byFolderName('modify')),
  'environment.setVariable': change(byFolderName('modify')),
  'environment.deleteVariable': change(byFolderName('modify')),
  'execution.create': change(byFolderName('execute')),
  'execution.list': read(filtered),
  'execution.stop': change(ofExecution('execute')),
  'execution.explain': read(ofExecution('read')),
  'execution.attempts': read(ofExecution('read')),
  'execution.preview': read(any),
  'execution.get': read(ofExecution('read')),
  'execution.parameters': read(ofExecution('read')),
  'execution.statistics': read(ofExecution('read')),
  'execution.messages': read(ofExecution('read')),
  'worker.list': read(any),
  'worker.enable': change(admin),
  'worker.disable': change(admin),
  'worker.drain': change(admin),
  'worker.update': change(admin),
  'worker.enrolmentToken.create': change(admin),
  'worker.enrolmentToken.list': read(admin),
  'worker.enrolmentToken.revoke': change(admin),
  'worker.revoke': change(admin),
  'worker.health': read(any),
  'property.list': read(any),
  'property.set': change(admin),
  'auth.login': change({ access: 'public' }),
  'auth.logout': change(self),
  'auth.whoami': read(self),
  'user.list': read(admin),
  'user.create': change(admin),
  'user.update': change(admin),
  'user.delete': change(admin),
  'token.list': read(self),
  'token.create': change(self),
  'token.revoke': change(self),
  'permission.list': read(admin),
  'permission.set': change(admin),
  'audit.list': read(admin),
};

/** What the principal may do in a folder: role first, then the folder's grants. */
export function folderAccess(principal: Principal, folderName: string): FolderAccess {
  if (principal.role === 'admin') return { read: true, execute: true, modify: true };
  const granted = principal.folders.get(folderName.toLowerCase()) ?? {
    read: false,
    execute: false,
    modify: false,
  };
  const executor = principal.role === 'executor';
  return {
    read: executor || granted.read || granted.execute || granted.modify,
    execute: executor || granted.execute,
    modify: granted.modify,
  };
}

export const mayRead = (principal: Principal, folderName: string) => folderAccess(principal, folderName).read;

/** The folders a caller may read when that is not all of them (a viewer); undefined: every folder. */
export function readableFolders(principal: Principal | null): string[] | undefined {
  if (!principal || principal.role !== 'viewer') return undefined;
  return [...principal.folders.entries()]
    .filter(([, a]) => a.read || a.execute || a.modify)
    .map(([name]) => name);
}

/** Null when allowed; otherwise why not, in words for the FORBIDDEN answer. */
export async function refusalFor<M extends ApiMethodName>(
  method: M,
  principal: Principal,
  input: ApiParsedInput<M>,
  lookup: FolderLookup,
): Promise<string | null> {
  const rule = methodPolicies[method].rule as Rule<M>;
  switch (rule.access) {
    case 'public':
    case 'self':
    case 'any':
    case 'filtered':
      return null;
    case 'admin':
      return principal.role === 'admin'
        ? null
        : `${method} needs the admin role; ${principal.userName} is ${principal.role}`;
    case 'folder':
      for (const check of rule.checks) {
        const folder = await check.folder(input, lookup);
        if (folder === null) continue;
        if (!folderAccess(principal, folder)[check.need])
          return `${method} needs ${check.need} permission on folder ${folder}; ${principal.userName} (${principal.role}) does not have it`;
      }
      return null;
  }
}

/** Fields of an input that name what a call acts on: never a secret (no values, passwords or tokens). */
const TARGET_FIELDS = [
  'folderName',
  'projectName',
  'packageName',
  'environmentFolderName',
  'environmentName',
  'reference',
  'executionId',
  'referenceId',
  'versionId',
  'name',
  'newName',
  'userName',
  'role',
  'disabled',
  'tokenId',
  'workerId',
  'read',
  'execute',
  'modify',
  'newCa',
] as const;

/** A short summary of what a call acts on, for the audit: e.g. "folderName=Sales projectName=Orders". */
export function targetOf(method: string, input: unknown): string {
  if (!input || typeof input !== 'object') return '';
  const record = input as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of TARGET_FIELDS) {
    const value = record[key];
    if (value === undefined || value === null) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      parts.push(`${key}=${String(value).slice(0, 200)}`);
  }
  const bundle = record.bundle as { project?: { name?: unknown } } | undefined;
  if (typeof bundle?.project?.name === 'string') parts.push(`project=${bundle.project.name.slice(0, 200)}`);
  if (method.startsWith('user.') && record.password !== undefined) parts.push('password=(set)');
  return parts.join(' ');
}
