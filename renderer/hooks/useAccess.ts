import { useContext } from 'react';
import { AccessContext } from '../connection/accessContext';
import type { AccessContextValue } from '../connection/accessContext';
import { FULL_ACCESS } from '../state/access';
import type { Access } from '../state/access';

const OUTSIDE: AccessContextValue = {
  access: FULL_ACCESS,
  loading: false,
  error: null,
  reload: () => undefined,
};

/** What the caller may do: `can('execute', folderName)`, `whyNot(...)` for the tooltip. */
export function useAccess(): Access {
  return (useContext(AccessContext) ?? OUTSIDE).access;
}

/** The whole access state (who, loading, error, reload), for the header and the Security tab. */
export function useAccessState(): AccessContextValue {
  return useContext(AccessContext) ?? OUTSIDE;
}
