// @vitest-environment jsdom
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { VersionRow } from '../../../master-core/protocol/api';
import { ScaleOutError } from '../../../master-core/protocol/errors';
import { renderWithApi } from '../../test/renderWithApi';
import type { FakeHandlers } from '../../test/fakeApiClient';
import { VersionsDialog } from './VersionsDialog';

const version = (versionId: number, isCurrent: boolean): VersionRow => ({
  versionId,
  deployedAt: '2026-03-01T10:00:00.000Z',
  deployedBy: `user${versionId}`,
  contentHash: 'ab'.repeat(32),
  description: `release ${versionId}`,
  packageNames: ['Daily', 'Hourly'],
  isCurrent,
});

function renderVersions(handlers: FakeHandlers) {
  const onChanged = vi.fn();
  const result = renderWithApi(
    <VersionsDialog folderName="Sales" projectName="Load" onClose={() => {}} onChanged={onChanged} />,
    handlers,
  );
  return { ...result, onChanged };
}

describe('VersionsDialog', () => {
  it('shows loading, then every version newest first with the current one marked', async () => {
    let answer: (v: { versions: VersionRow[] }) => void = () => {};
    const { api } = renderVersions({
      'project.versions': () => new Promise((resolve) => (answer = resolve)),
    });
    expect(screen.getByTestId('versions-loading')).toBeTruthy();
    answer({ versions: [version(1, false), version(3, true), version(2, false)] });
    await screen.findByTestId('versions-table');
    const rows = screen.getAllByTestId(/^version-row-/);
    expect(rows.map((r) => [r.dataset.testid, r.dataset.current])).toEqual([
      ['version-row-3', 'true'],
      ['version-row-2', 'false'],
      ['version-row-1', 'false'],
    ]);
    expect(rows[0]!.textContent).toContain('Current');
    expect(rows[1]!.textContent).toContain('user2');
    expect(rows[1]!.textContent).toContain('release 2');
    expect(screen.queryByTestId('version-restore-3')).toBeNull();
    expect(api.callsOf('project.versions')).toEqual([{ folderName: 'Sales', projectName: 'Load' }]);
  });

  it('restores a version after confirmation and reloads', async () => {
    let current = 3;
    const { api, onChanged } = renderVersions({
      'project.versions': () => ({ versions: [3, 2, 1].map((v) => version(v, v === current)) }),
      'project.restore': (input) => {
        current = input.versionId;
        return {};
      },
    });
    await userEvent.click(await screen.findByTestId('version-restore-2'));
    expect(screen.getByTestId('versions-confirm').textContent).toContain('Restore version 2 of Sales/Load?');
    expect(api.callsOf('project.restore')).toEqual([]);
    await userEvent.click(screen.getByTestId('versions-confirm-ok'));
    await waitFor(() => expect(screen.getByTestId('version-row-2').dataset.current).toBe('true'));
    expect(api.callsOf('project.restore')).toEqual([
      { folderName: 'Sales', projectName: 'Load', versionId: 2 },
    ]);
    expect(screen.getByTestId('versions-notice').textContent).toContain('Version 2 is now current');
    expect(onChanged).toHaveBeenCalled();
  });

  it('shows the master’s refusal of a restore', async () => {
    renderVersions({
      'project.versions': () => ({ versions: [version(2, true), version(1, false)] }),
      'project.restore': () => {
        throw new ScaleOutError('NOT_FOUND', 'version 1 of Sales/Load was removed by version cleanup');
      },
    });
    await userEvent.click(await screen.findByTestId('version-restore-1'));
    await userEvent.click(screen.getByTestId('versions-confirm-ok'));
    expect((await screen.findByTestId('versions-error')).textContent).toBe(
      'version 1 of Sales/Load was removed by version cleanup',
    );
  });

  it('shows a load error and the empty state', async () => {
    renderVersions({
      'project.versions': () => {
        throw new ScaleOutError('NOT_FOUND', 'project Sales/Load does not exist');
      },
    });
    expect((await screen.findByTestId('versions-error')).textContent).toBe(
      'project Sales/Load does not exist',
    );
  });

  it('says when there are no versions', async () => {
    renderVersions({ 'project.versions': () => ({ versions: [] }) });
    expect(await screen.findByTestId('versions-empty')).toBeTruthy();
  });
});
