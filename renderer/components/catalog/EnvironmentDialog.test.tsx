// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { EnvironmentInfo } from '../../../master-core/protocol/api';
import { ScaleOutError } from '../../../master-core/protocol/errors';
import { renderWithApi } from '../../test/renderWithApi';
import type { FakeHandlers } from '../../test/fakeApiClient';
import { EnvironmentDialog } from './EnvironmentDialog';

const prod: EnvironmentInfo = {
  name: 'Prod',
  description: 'Production settings',
  variables: [
    { name: 'Retries', dataType: 'Int32', value: 3, sensitive: false, description: 'how often' },
    { name: 'ApiKey', dataType: 'String', value: null, sensitive: true, description: '' },
  ],
};

function renderEnvironment(handlers: FakeHandlers) {
  const onChanged = vi.fn();
  const onClose = vi.fn();
  const result = renderWithApi(
    <EnvironmentDialog folderName="Sales" environmentName="Prod" onClose={onClose} onChanged={onChanged} />,
    { 'environment.list': () => ({ environments: [prod] }), ...handlers },
  );
  return { ...result, onChanged, onClose };
}

const setText = (testId: string, value: string) =>
  fireEvent.change(screen.getByTestId(testId), { target: { value } });

describe('EnvironmentDialog', () => {
  it('lists the variables with sensitive values masked', async () => {
    const { api } = renderEnvironment({});
    const retries = await screen.findByTestId('variable-row-Retries');
    expect(
      within(retries)
        .getAllByRole('cell')
        .slice(0, 5)
        .map((c) => c.textContent),
    ).toEqual(['Retries', 'Int32', '3', 'No', 'how often']);
    expect(screen.getByTestId('variable-value-ApiKey').textContent).toBe('********');
    expect(api.callsOf('environment.list')).toEqual([{ folderName: 'Sales' }]);
    await userEvent.click(screen.getByTestId('environment-dialog-page-general'));
    expect(screen.getByTestId('environment-general').textContent).toContain('Production settings');
  });

  it('adds a typed variable', async () => {
    const { api, onChanged } = renderEnvironment({ 'environment.setVariable': () => ({}) });
    await userEvent.click(await screen.findByTestId('variable-add'));
    setText('variable-name', 'Cutoff');
    await userEvent.selectOptions(screen.getByTestId('variable-type'), 'Boolean');
    await userEvent.selectOptions(screen.getByTestId('variable-value'), 'true');
    await userEvent.click(screen.getByTestId('variable-sensitive'));
    setText('variable-description', 'stop early');
    await userEvent.click(screen.getByTestId('variable-ok'));
    await waitFor(() => expect(screen.queryByTestId('variable-dialog')).toBeNull());
    expect(api.callsOf('environment.setVariable')).toEqual([
      {
        folderName: 'Sales',
        environmentName: 'Prod',
        name: 'Cutoff',
        dataType: 'Boolean',
        value: true,
        sensitive: true,
        description: 'stop early',
      },
    ]);
    expect(onChanged).toHaveBeenCalled();
  });

  it('refuses a bad name, a duplicate and a value of the wrong type before sending', async () => {
    const { api } = renderEnvironment({ 'environment.setVariable': () => ({}) });
    await userEvent.click(await screen.findByTestId('variable-add'));
    setText('variable-name', 'retries');
    await userEvent.selectOptions(screen.getByTestId('variable-type'), 'Int32');
    setText('variable-value', 'many');
    await userEvent.click(screen.getByTestId('variable-ok'));
    expect(screen.getByText('A variable named retries already exists; edit it instead.')).toBeTruthy();
    expect(screen.getByText('retries: expected a whole number (Int32)')).toBeTruthy();
    setText('variable-name', '');
    await userEvent.click(screen.getByTestId('variable-ok'));
    expect(screen.getByText('Name must not be empty')).toBeTruthy();
    expect(api.callsOf('environment.setVariable')).toEqual([]);
  });

  it('edits a variable, keeping its name; a sensitive one must be typed again', async () => {
    const { api } = renderEnvironment({ 'environment.setVariable': () => ({}) });
    await userEvent.click(await screen.findByTestId('variable-edit-ApiKey'));
    expect((screen.getByTestId('variable-name') as HTMLInputElement).disabled).toBe(true);
    expect((screen.getByTestId('variable-value') as HTMLInputElement).type).toBe('password');
    await userEvent.click(screen.getByTestId('variable-ok'));
    expect(screen.getByText(/ApiKey: type the value again/)).toBeTruthy();
    setText('variable-value', 's3cret');
    await userEvent.click(screen.getByTestId('variable-ok'));
    await waitFor(() =>
      expect(api.callsOf('environment.setVariable')).toEqual([
        {
          folderName: 'Sales',
          environmentName: 'Prod',
          name: 'ApiKey',
          dataType: 'String',
          value: 's3cret',
          sensitive: true,
          description: '',
        },
      ]),
    );
  });

  it('shows the master’s refusal of a variable', async () => {
    renderEnvironment({
      'environment.setVariable': () => {
        throw new ScaleOutError('VALIDATION_FAILED', 'Retries: 99999999999 is out of the Int32 range');
      },
    });
    await userEvent.click(await screen.findByTestId('variable-edit-Retries'));
    await userEvent.click(screen.getByTestId('variable-ok'));
    expect((await screen.findByTestId('variable-error')).textContent).toBe(
      'Retries: 99999999999 is out of the Int32 range',
    );
  });

  it('deletes a variable after confirmation', async () => {
    const { api } = renderEnvironment({ 'environment.deleteVariable': () => ({}) });
    await userEvent.click(await screen.findByTestId('variable-delete-Retries'));
    expect(api.callsOf('environment.deleteVariable')).toEqual([]);
    await userEvent.click(screen.getByTestId('variable-delete-confirm'));
    await waitFor(() =>
      expect(api.callsOf('environment.deleteVariable')).toEqual([
        { folderName: 'Sales', environmentName: 'Prod', name: 'Retries' },
      ]),
    );
  });

  it('deletes the environment after confirmation and closes', async () => {
    const { api, onClose } = renderEnvironment({ 'environment.delete': () => ({}) });
    await userEvent.click(await screen.findByTestId('environment-delete'));
    expect(screen.getByTestId('confirm-question').textContent).toContain('"Prod"');
    await userEvent.click(screen.getByTestId('confirm-ok'));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(api.callsOf('environment.delete')).toEqual([{ folderName: 'Sales', environmentName: 'Prod' }]);
  });

  it('shows loading, an environment that is gone, and an empty one', async () => {
    let answer: (v: { environments: EnvironmentInfo[] }) => void = () => {};
    const { api } = renderEnvironment({ 'environment.list': () => new Promise((r) => (answer = r)) });
    expect(screen.getByTestId('environment-loading')).toBeTruthy();
    answer({ environments: [] });
    expect((await screen.findByTestId('environment-error')).textContent).toBe(
      'The environment Prod is no longer in the folder Sales.',
    );
    api.handle({ 'environment.list': () => ({ environments: [{ ...prod, variables: [] }] }) });
    api.emit({ type: 'catalog:changed' });
    expect(await screen.findByTestId('environment-variables-empty')).toBeTruthy();
  });
});
