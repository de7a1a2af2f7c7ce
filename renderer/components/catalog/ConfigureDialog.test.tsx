// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { FolderInfo, ReferenceInfo } from '../../../master-core/protocol/api';
import { ScaleOutError } from '../../../master-core/protocol/errors';
import { renderWithApi } from '../../test/renderWithApi';
import type { FakeHandlers } from '../../test/fakeApiClient';
import { ConfigureDialog } from './ConfigureDialog';
import type { ConfigureParameter } from './ConfigureDialog';

const param = (
  over: Partial<ConfigureParameter> & Pick<ConfigureParameter, 'name' | 'reference'>,
): ConfigureParameter => ({
  dataType: 'String',
  defaultValue: null,
  required: false,
  sensitive: false,
  description: '',
  serverValue: null,
  objectName: 'Load',
  objectType: 20,
  ...over,
});

const parameters: ConfigureParameter[] = [
  param({ name: 'Days', reference: '$Project::Days', dataType: 'Int32', defaultValue: 7 }),
  param({
    name: 'Conn',
    reference: '$Project::Conn',
    serverValue: { kind: 'reference', variableName: 'ConnStr' },
  }),
  param({
    name: 'Password',
    reference: '$Project::Password',
    sensitive: true,
    serverValue: { kind: 'value', value: null },
  }),
  param({
    name: 'Day',
    reference: '$Package::Day',
    objectName: 'Daily',
    objectType: 30,
    defaultValue: 'Mon',
  }),
  param({
    name: 'Hour',
    reference: '$Package::Hour',
    objectName: 'Hourly',
    objectType: 30,
    dataType: 'Int64',
  }),
];

const folders: FolderInfo[] = [
  {
    name: 'Sales',
    description: '',
    projects: [],
    environments: [
      {
        name: 'Prod',
        description: '',
        variables: [{ name: 'ConnStr', dataType: 'String', value: 'x', sensitive: false, description: '' }],
      },
      { name: 'Dev', description: '', variables: [] },
    ],
  },
  {
    name: 'Shared',
    description: '',
    projects: [],
    environments: [{ name: 'Common', description: '', variables: [] }],
  },
];

const prodRef: ReferenceInfo = {
  referenceId: 4,
  referenceType: 'R',
  environmentFolderName: 'Sales',
  environmentName: 'Prod',
};

function renderConfigure(handlers: FakeHandlers, packageName?: string) {
  const onChanged = vi.fn();
  const result = renderWithApi(
    <ConfigureDialog
      folders={folders}
      folderName="Sales"
      projectName="Load"
      {...(packageName ? { packageName } : {})}
      onClose={() => {}}
      onChanged={onChanged}
    />,
    {
      'project.parameters': () => ({ parameters }),
      'project.references': () => ({ references: [prodRef] }),
      ...handlers,
    },
  );
  return { ...result, onChanged };
}

describe('ConfigureDialog parameters', () => {
  it('lists project and package parameters with design default and server value', async () => {
    const { api } = renderConfigure({});
    const days = await screen.findByTestId('configure-param-$Project::Days');
    expect(
      within(days)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['Load', 'Days', 'Int32', '7', '', 'Edit...']);
    expect(screen.getByTestId('configure-server-value-$Project::Conn').textContent).toBe(
      'Environment variable: ConnStr',
    );
    expect(screen.getByTestId('configure-server-value-$Project::Password').textContent).toBe('********');
    expect(screen.getByTestId('configure-param-Daily:$Package::Day')).toBeTruthy();
    expect(api.callsOf('project.parameters')).toEqual([{ folderName: 'Sales', projectName: 'Load' }]);
  });

  it('opened on a package shows that package’s parameters; the scope can widen', async () => {
    renderConfigure({}, 'Daily');
    await screen.findByTestId('configure-param-Daily:$Package::Day');
    expect(screen.queryByTestId('configure-param-$Project::Days')).toBeNull();
    expect(screen.queryByTestId('configure-param-Hourly:$Package::Hour')).toBeNull();
    await userEvent.selectOptions(screen.getByTestId('configure-scope'), 'Project');
    expect(screen.getByTestId('configure-param-$Project::Days')).toBeTruthy();
    expect(screen.queryByTestId('configure-param-Daily:$Package::Day')).toBeNull();
  });

  it('sets a typed value, refusing one that does not fit the type', async () => {
    const { api, onChanged } = renderConfigure({ 'project.configure': () => ({}) });
    await userEvent.click(await screen.findByTestId('configure-edit-$Project::Days'));
    await userEvent.click(screen.getByTestId('parameter-mode-value'));
    fireEvent.change(screen.getByTestId('parameter-value-input'), { target: { value: 'ten' } });
    await userEvent.click(screen.getByTestId('parameter-value-ok'));
    expect(screen.getByText('Days: expected a whole number (Int32)')).toBeTruthy();
    expect(api.callsOf('project.configure')).toEqual([]);
    fireEvent.change(screen.getByTestId('parameter-value-input'), { target: { value: '10' } });
    await userEvent.click(screen.getByTestId('parameter-value-ok'));
    await waitFor(() => expect(screen.queryByTestId('parameter-value-dialog')).toBeNull());
    expect(api.callsOf('project.configure')).toEqual([
      { folderName: 'Sales', projectName: 'Load', reference: '$Project::Days', value: 10 },
    ]);
    expect(onChanged).toHaveBeenCalled();
    expect(api.callsOf('project.parameters').length).toBe(2);
  });

  it('references an environment variable of a referenced environment for a package parameter', async () => {
    const { api } = renderConfigure({ 'project.configure': () => ({}) });
    await userEvent.click(await screen.findByTestId('configure-edit-Daily:$Package::Day'));
    await userEvent.click(screen.getByTestId('parameter-mode-variable'));
    await userEvent.selectOptions(screen.getByTestId('parameter-variable'), 'ConnStr');
    await userEvent.click(screen.getByTestId('parameter-value-ok'));
    await waitFor(() =>
      expect(api.callsOf('project.configure')).toEqual([
        {
          folderName: 'Sales',
          projectName: 'Load',
          reference: '$Package::Day',
          packageName: 'Daily',
          referencedVariable: 'ConnStr',
        },
      ]),
    );
  });

  it('clears a server value, and shows the master’s refusal in the dialog', async () => {
    const { api } = renderConfigure({
      'project.configure': () => {
        throw new ScaleOutError('NOT_FOUND', 'parameter $Project::Conn does not exist in Load');
      },
    });
    await userEvent.click(await screen.findByTestId('configure-edit-$Project::Conn'));
    await userEvent.click(screen.getByTestId('parameter-mode-default'));
    await userEvent.click(screen.getByTestId('parameter-value-ok'));
    expect((await screen.findByTestId('parameter-value-error')).textContent).toBe(
      'parameter $Project::Conn does not exist in Load',
    );
    expect(api.callsOf('project.configure')).toEqual([
      { folderName: 'Sales', projectName: 'Load', reference: '$Project::Conn' },
    ]);
  });

  it('asks for a sensitive value to be typed again', async () => {
    const { api } = renderConfigure({ 'project.configure': () => ({}) });
    await userEvent.click(await screen.findByTestId('configure-edit-$Project::Password'));
    expect((screen.getByTestId('parameter-value-input') as HTMLInputElement).type).toBe('password');
    await userEvent.click(screen.getByTestId('parameter-value-ok'));
    expect(screen.getByText(/Password: type the value/)).toBeTruthy();
    expect(api.callsOf('project.configure')).toEqual([]);
  });

  it('shows a load error', async () => {
    renderConfigure({
      'project.parameters': () => {
        throw new ScaleOutError('NOT_FOUND', 'project Sales/Load does not exist');
      },
    });
    expect((await screen.findByTestId('configure-parameters-error')).textContent).toBe(
      'project Sales/Load does not exist',
    );
  });
});

describe('ConfigureDialog references', () => {
  it('lists references and adds relative and absolute ones', async () => {
    const { api } = renderConfigure({ 'reference.add': () => ({ referenceId: 9 }) });
    await userEvent.click(screen.getByTestId('configure-dialog-page-references'));
    const row = await screen.findByTestId('reference-row-Sales/Prod');
    expect(row.textContent).toContain('Relative');
    await userEvent.selectOptions(screen.getByTestId('reference-environment'), 'Dev');
    await userEvent.click(screen.getByTestId('reference-add'));
    await userEvent.selectOptions(screen.getByTestId('reference-folder'), 'Shared');
    await userEvent.selectOptions(screen.getByTestId('reference-environment'), 'Common');
    await userEvent.click(screen.getByTestId('reference-add'));
    await waitFor(() =>
      expect(api.callsOf('reference.add')).toEqual([
        { folderName: 'Sales', projectName: 'Load', environmentName: 'Dev' },
        {
          folderName: 'Sales',
          projectName: 'Load',
          environmentFolderName: 'Shared',
          environmentName: 'Common',
        },
      ]),
    );
  });

  it('asks for an environment before adding', async () => {
    const { api } = renderConfigure({ 'reference.add': () => ({ referenceId: 9 }) });
    await userEvent.click(screen.getByTestId('configure-dialog-page-references'));
    await userEvent.click(await screen.findByTestId('reference-add'));
    expect(screen.getByText('Choose an environment to reference.')).toBeTruthy();
    expect(api.callsOf('reference.add')).toEqual([]);
  });

  it('removes a reference after confirmation, and shows a refusal', async () => {
    const { api } = renderConfigure({
      'reference.remove': () => {
        throw new ScaleOutError('NOT_FOUND', 'reference 4 does not exist');
      },
    });
    await userEvent.click(screen.getByTestId('configure-dialog-page-references'));
    await userEvent.click(await screen.findByTestId('reference-remove-Sales/Prod'));
    await userEvent.click(screen.getByTestId('reference-remove-confirm'));
    expect((await screen.findByTestId('configure-references-error')).textContent).toBe(
      'reference 4 does not exist',
    );
    expect(api.callsOf('reference.remove')).toEqual([{ referenceId: 4 }]);
  });

  it('says when there are no references', async () => {
    renderConfigure({ 'project.references': () => ({ references: [] }) });
    await userEvent.click(screen.getByTestId('configure-dialog-page-references'));
    expect(await screen.findByTestId('configure-references-empty')).toBeTruthy();
  });
});
