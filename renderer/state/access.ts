import type { ApiOutput, FolderPermissionRow } from '../../master-core/protocol/api';

/**
 * What the caller may do, from auth.whoami, so the console offers only that. Roles as SSISDB's:
 * admin (everything), executor (ssis_cluster_executor: runs packages anywhere, reads everything),
 * viewer (reads only the folders it is granted); folder permissions (read, execute, modify) add to the role. The master
 * enforces all of it; this only keeps the console from offering dead buttons.
 */

export type WhoAmI = ApiOutput<'auth.whoami'>;
/** execute: run packages (Execute in Scale Out, Run again, Stop); modify: change a folder's contents; admin: the rest. */
export type AccessAction = 'execute' | 'modify' | 'admin';

export interface Access {
  /** Who is calling; null when not known (no whoami yet, or an older master without roles). */
  whoami: WhoAmI | null;
  /** May the caller do `action` (on `folderName`; without one: on at least one folder)? */
  can(action: AccessAction, folderName?: string): boolean;
  /** Why not, for a tooltip ('' when allowed). */
  whyNot(action: AccessAction, folderName?: string): string;
}

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function permissionsOf(permissions: readonly FolderPermissionRow[], userName: string): FolderPermissionRow[] {
  return permissions.filter((p) => sameName(p.userName, userName));
}

function allowed(whoami: WhoAmI, action: AccessAction, folderName?: string): boolean {
  const { role, userName } = whoami.user;
  if (role === 'admin') return true;
  if (action === 'admin') return false;
  if (action === 'execute' && role === 'executor') return true;
  const mine = permissionsOf(whoami.permissions, userName);
  const onFolder = folderName === undefined ? mine : mine.filter((p) => sameName(p.folderName, folderName));
  return onFolder.some((p) => (action === 'execute' ? p.execute : p.modify));
}

const actionText: Record<AccessAction, string> = {
  execute: 'Execute',
  modify: 'Modify',
  admin: 'admin',
};

function reason(whoami: WhoAmI, action: AccessAction, folderName?: string): string {
  const who = `${whoami.user.userName} (${whoami.user.role})`;
  if (action === 'admin') return `Only an admin can do this; you are signed in as ${who}`;
  if (folderName !== undefined)
    return `${who} has no ${actionText[action]} permission on the folder ${folderName}`;
  return `${who} has no ${actionText[action]} permission on any folder`;
}

/** The access of a known caller. */
export function accessFor(whoami: WhoAmI): Access {
  return {
    whoami,
    can: (action, folderName) => allowed(whoami, action, folderName),
    whyNot: (action, folderName) =>
      allowed(whoami, action, folderName) ? '' : reason(whoami, action, folderName),
  };
}

/**
 * Everything offered: outside an AccessProvider (a screen tested on its own), or when the master
 * could not say who is calling (an older master without roles); the master still decides.
 */
export const FULL_ACCESS: Access = { whoami: null, can: () => true, whyNot: () => '' };

/** While auth.whoami is on its way: nothing offered yet. */
export const PENDING_ACCESS: Access = {
  whoami: null,
  can: () => false,
  whyNot: () => 'Checking your permissions...',
};

/** Why the caller may not do `action` on every one of these folders ('' when they may). */
export function whyNotOnAll(access: Access, action: AccessAction, folderNames: readonly string[]): string {
  for (const name of new Set(folderNames)) {
    const why = access.whyNot(action, name);
    if (why) return why;
  }
  return '';
}
