// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ApiOutput } from '../../../master-core/protocol/api';
import { ScaleOutError } from '../../../master-core/protocol/errors';
import { renderWithApi } from '../../test/renderWithApi';
import { AddWorkerDialog } from './AddWorkerDialog';
import { FINGERPRINT } from './scaleOutFixtures';

const created: ApiOutput<'worker.enrolmentToken.create'> = {
  token: 'sot1.secret-token-value',
  tokenId: 'tok-9',
  expiresAt: '2026-11-30T03:00:00.000Z',
  caFingerprint: FINGERPRINT,
  advertisedAgentUrl: 'wss://master.example:8391/agent',
  installCommand:
    'scaleout worker install --master wss://master.example:8391/agent --token sot1.secret-token-value',
};

function renderDialog(handler: () => ApiOutput<'worker.enrolmentToken.create'>) {
  const tokens: string[] = [];
  const result = renderWithApi(
    <AddWorkerDialog
      knownTags={['etl']}
      onClose={() => undefined}
      onCreated={(t) => tokens.push(t.tokenId)}
    />,
    { 'worker.enrolmentToken.create': handler },
  );
  return { ...result, tokens };
}

describe('AddWorkerDialog', () => {
  it('creates a one-hour token without presets by default and shows the install command', async () => {
    const { api, tokens } = renderDialog(() => created);
    await userEvent.click(screen.getByTestId('add-worker-create'));
    await waitFor(() =>
      expect(api.callsOf('worker.enrolmentToken.create')).toEqual([{ expiresInSeconds: 3600 }]),
    );
    expect((await screen.findByTestId('add-worker-command')).textContent).toBe(created.installCommand);
    expect(screen.getByTestId('add-worker-token').textContent).toBe(created.token);
    expect(screen.getByTestId('add-worker-expiry').textContent).toContain(FINGERPRINT);
    expect(tokens).toEqual(['tok-9']);
  });

  it('sends the preset name, tags and expiry chosen', async () => {
    const { api } = renderDialog(() => created);
    const user = userEvent.setup();
    await user.type(screen.getByTestId('add-worker-name'), 'etl-09');
    await user.type(screen.getByTestId('add-worker-tags'), 'etl{Enter}gpu,');
    await user.click(screen.getByTestId('add-worker-expiry-select'));
    await user.click(within(screen.getByRole('listbox')).getByText('1 day'));
    await user.click(screen.getByTestId('add-worker-create'));
    await waitFor(() =>
      expect(api.callsOf('worker.enrolmentToken.create')).toEqual([
        { expiresInSeconds: 86_400, name: 'etl-09', tags: ['etl', 'gpu'] },
      ]),
    );
  });

  it('copies the install command', async () => {
    renderDialog(() => created);
    const user = userEvent.setup();
    await user.click(screen.getByTestId('add-worker-create'));
    await user.click(await screen.findByTestId('add-worker-command-copy'));
    expect(await navigator.clipboard.readText()).toBe(created.installCommand);
  });

  it('shows the master’s refusal and keeps the form', async () => {
    renderDialog(() => {
      throw new ScaleOutError('FORBIDDEN', 'enrolment needs the agent endpoint on TLS');
    });
    await userEvent.click(screen.getByTestId('add-worker-create'));
    expect((await screen.findByTestId('add-worker-error')).textContent).toBe(
      'enrolment needs the agent endpoint on TLS',
    );
    expect(screen.getByTestId('add-worker-name')).toBeTruthy();
  });
});
