import { createContext } from 'react';
import type { Access } from '../state/access';

/** What AccessProvider gives: the caller's access, how it was learnt, and a way to ask again. */
export interface AccessContextValue {
  access: Access;
  loading: boolean;
  /** Why auth.whoami failed (everything is then offered and the master decides), else null. */
  error: string | null;
  reload: () => void;
}

export const AccessContext = createContext<AccessContextValue | null>(null);
