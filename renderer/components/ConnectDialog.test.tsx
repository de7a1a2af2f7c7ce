// @vitest-environment jsdom
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import '../test/setup';
import { ConnectDialog } from './ConnectDialog';

const here = 'http://127.0.0.1:8390';

async function fill(url: string, token: string) {
  const urlInput = screen.getByTestId('connect-url');
  await userEvent.clear(urlInput);
  await userEvent.type(urlInput, url);
  await userEvent.type(screen.getByTestId('connect-token'), token);
  await userEvent.click(screen.getByTestId('connect-ok'));
}

describe('ConnectDialog', () => {
  it('names the field at fault: a URL that is not http(s), a missing token', async () => {
    render(<ConnectDialog initialUrl={here} notice={null} onConnected={vi.fn()} />);
    await fill('ftp://master', 't');
    expect(await screen.findByText('Master URL must be an http:// or https:// address')).toBeTruthy();
    const urlInput = screen.getByTestId('connect-url');
    await userEvent.clear(urlInput);
    await userEvent.type(urlInput, here);
    await userEvent.clear(screen.getByTestId('connect-token'));
    await userEvent.click(screen.getByTestId('connect-ok'));
    expect(await screen.findByText('Token is required')).toBeTruthy();
  });

  it('opens another master’s own console with the token in the fragment', async () => {
    const onOpenRemote = vi.fn(() => Promise.resolve());
    const onConnected = vi.fn();
    render(
      <ConnectDialog
        initialUrl={here}
        currentOrigin={here}
        notice={null}
        onConnected={onConnected}
        onOpenRemote={onOpenRemote}
      />,
    );
    await fill('https://etl-master.example:8390/', 's3cret');
    await waitFor(() =>
      expect(onOpenRemote).toHaveBeenCalledWith(
        'https://etl-master.example:8390',
        'https://etl-master.example:8390/#token=s3cret',
      ),
    );
    expect(onConnected).not.toHaveBeenCalled();
  });

  it('shows why the desktop app refused to open another master, and stays open', async () => {
    const onOpenRemote = vi.fn(() => Promise.reject(new Error('VALIDATION_FAILED: not an http(s) URL')));
    render(
      <ConnectDialog
        initialUrl={here}
        currentOrigin={here}
        notice={null}
        onConnected={vi.fn()}
        onOpenRemote={onOpenRemote}
      />,
    );
    await fill('http://other:8390', 't');
    expect((await screen.findByTestId('connect-error')).textContent).toContain('not an http(s) URL');
    expect(screen.getByTestId('connect-dialog')).toBeTruthy();
  });

  it('offers the masters this user connected to before', async () => {
    render(
      <ConnectDialog
        initialUrl=""
        recentMasters={['http://etl-1:8390', 'http://etl-2:8390']}
        notice="The master refused the token."
        onConnected={vi.fn()}
      />,
    );
    expect(screen.getByText('The master refused the token.')).toBeTruthy();
    await userEvent.click(screen.getByTestId('connect-url'));
    expect(await screen.findByRole('option', { name: 'http://etl-2:8390' })).toBeTruthy();
  });
});

describe('ConnectDialog sign in', () => {
  const user = {
    userName: 'ann',
    role: 'executor' as const,
    description: '',
    disabled: false,
    createdAt: '2026-11-29T00:00:00.000Z',
    lastLoginAt: null,
  };

  async function signIn(name: string, password: string) {
    await userEvent.click(screen.getByTestId('connect-mode-password'));
    if (name) await userEvent.type(screen.getByTestId('connect-user'), name);
    if (password) await userEvent.type(screen.getByTestId('connect-password'), password);
    await userEvent.click(screen.getByTestId('connect-ok'));
  }

  it('signs in on this master with auth.login and connects with the session token', async () => {
    const fetchMock = vi.fn((_url: string, _init: RequestInit) =>
      Promise.resolve(
        new Response(
          JSON.stringify({
            ok: true,
            value: { token: 'sess-1', expiresAt: '2026-11-30T00:00:00.000Z', user },
          }),
        ),
      ),
    );
    vi.stubGlobal('fetch', fetchMock);
    try {
      const onConnected = vi.fn();
      render(
        <ConnectDialog
          initialUrl={here}
          currentOrigin={here}
          notice={null}
          onConnected={onConnected}
          onOpenRemote={vi.fn()}
        />,
      );
      await signIn('ann', 'correct horse battery');
      await waitFor(() =>
        expect(onConnected).toHaveBeenCalledWith({ baseUrl: here, token: 'sess-1' }, 'password'),
      );
      const [url, init] = fetchMock.mock.calls[0]!;
      expect(url).toBe(`${here}/api/auth.login`);
      expect(JSON.parse(init.body as string)).toEqual({ userName: 'ann', password: 'correct horse battery' });
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('shows the master’s refusal and stays open; names a missing field before sending', async () => {
    const fetchMock = vi.fn(() =>
      Promise.resolve(
        new Response(
          JSON.stringify({
            ok: false,
            error: { code: 'UNAUTHORIZED', message: 'wrong user name or password' },
          }),
          {
            status: 401,
          },
        ),
      ),
    );
    vi.stubGlobal('fetch', fetchMock);
    try {
      const onConnected = vi.fn();
      render(<ConnectDialog initialUrl={here} notice={null} onConnected={onConnected} />);
      await signIn('ann', '');
      expect(await screen.findByText('Password is required')).toBeTruthy();
      expect(fetchMock).not.toHaveBeenCalled();
      await userEvent.type(screen.getByTestId('connect-password'), 'nope');
      await userEvent.click(screen.getByTestId('connect-ok'));
      expect((await screen.findByTestId('connect-error')).textContent).toBe('wrong user name or password');
      expect(onConnected).not.toHaveBeenCalled();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('sends a password only to this master: another one opens its own Connect', async () => {
    const onOpenRemote = vi.fn(() => Promise.resolve());
    render(
      <ConnectDialog
        initialUrl={here}
        currentOrigin={here}
        notice={null}
        onConnected={vi.fn()}
        onOpenRemote={onOpenRemote}
        initialMode="password"
      />,
    );
    const urlInput = screen.getByTestId('connect-url');
    await userEvent.clear(urlInput);
    await userEvent.type(urlInput, 'https://other:8390');
    await userEvent.type(screen.getByTestId('connect-user'), 'ann');
    await userEvent.type(screen.getByTestId('connect-password'), 'secret-secret');
    await userEvent.click(screen.getByTestId('connect-ok'));
    await waitFor(() =>
      expect(onOpenRemote).toHaveBeenCalledWith('https://other:8390', 'https://other:8390/#connect'),
    );
  });
});
