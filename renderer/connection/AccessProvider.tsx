import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { coerceError } from '../../master-core/protocol/errors';
import { useApi, useConsoleEvents } from '../hooks/useApi';
import { accessFor, FULL_ACCESS, PENDING_ACCESS } from '../state/access';
import type { Access } from '../state/access';
import { AccessContext } from './accessContext';
import type { AccessContextValue } from './accessContext';

/**
 * Asks the master who is calling (auth.whoami) and gives every screen useAccess(). Asked again
 * when the events socket reconnects (an admin may have changed the role meanwhile) and on reload().
 */
export function AccessProvider({ children }: { children: ReactNode }) {
  const client = useApi();
  const [state, setState] = useState<{ access: Access; loading: boolean; error: string | null }>({
    access: PENDING_ACCESS,
    loading: true,
    error: null,
  });
  const seq = useRef(0);

  const reload = useCallback(() => {
    const mine = ++seq.current;
    client.call('auth.whoami', {}).then(
      (whoami) => {
        if (mine === seq.current) setState({ access: accessFor(whoami), loading: false, error: null });
      },
      (error: unknown) => {
        if (mine !== seq.current) return;
        // Without an answer the console offers everything and the master decides; the header says why.
        setState({ access: FULL_ACCESS, loading: false, error: coerceError(error).message });
      },
    );
  }, [client]);

  useEffect(() => reload(), [reload]);
  // Asked again after a reconnect (not on the first connect: the answer above is fresh).
  const wasDown = useRef(false);
  useConsoleEvents((message) => {
    if (message.kind !== 'status') return;
    if (!message.connected) wasDown.current = true;
    else if (wasDown.current) {
      wasDown.current = false;
      reload();
    }
  });

  const value = useMemo<AccessContextValue>(() => ({ ...state, reload }), [state, reload]);
  return <AccessContext.Provider value={value}>{children}</AccessContext.Provider>;
}
