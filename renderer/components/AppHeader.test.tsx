// @vitest-environment jsdom
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ScaleOutError } from '../../master-core/protocol/errors';
import { AccessProvider } from '../connection/AccessProvider';
import { renderWithApi } from '../test/renderWithApi';
import { AppHeader } from './AppHeader';
import { whoami } from './security/securityFixtures';

function header(credential: 'console' | 'session', onDisconnect = vi.fn(), onOpenSecurity = vi.fn()) {
  const result = renderWithApi(
    <AccessProvider>
      <AppHeader onDisconnect={onDisconnect} onOpenSecurity={onOpenSecurity} />
    </AccessProvider>,
    { 'auth.whoami': () => whoami('executor', [], credential), 'auth.logout': () => ({}) },
  );
  return { ...result, onDisconnect, onOpenSecurity };
}

describe('AppHeader', () => {
  it('shows who is signed in; Sign out ends the session, then goes back to Connect', async () => {
    const { api, onDisconnect, onOpenSecurity } = header('session');
    const chip = await screen.findByTestId('signed-in-user');
    expect(chip.textContent).toBe('ann (executor)');
    await userEvent.click(screen.getByTestId('header-security'));
    expect(onOpenSecurity).toHaveBeenCalled();
    expect(screen.queryByTestId('disconnect')).toBeNull();
    await userEvent.click(screen.getByTestId('sign-out'));
    await waitFor(() => expect(onDisconnect).toHaveBeenCalledWith('Signed out.'));
    expect(api.callsOf('auth.logout')).toEqual([{}]);
  });

  it('says so when the master did not confirm the sign out', async () => {
    const { api, onDisconnect } = header('session');
    api.handle({
      'auth.logout': () => {
        throw new ScaleOutError('NETWORK', 'cannot reach the master');
      },
    });
    await userEvent.click(await screen.findByTestId('sign-out'));
    await waitFor(() => expect(onDisconnect).toHaveBeenCalledTimes(1));
    expect(onDisconnect.mock.calls[0]![0]).toContain('cannot reach the master');
  });

  it('keeps Disconnect for a token, with no session to end', async () => {
    const { api, onDisconnect } = header('console');
    await screen.findByTestId('signed-in-user');
    await userEvent.click(screen.getByTestId('disconnect'));
    expect(onDisconnect).toHaveBeenCalledWith();
    expect(api.callsOf('auth.logout')).toEqual([]);
  });
});
