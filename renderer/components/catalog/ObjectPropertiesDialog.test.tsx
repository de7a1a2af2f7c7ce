// @vitest-environment jsdom
import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { FolderInfo, ParameterInfo, VersionRow } from '../../../master-core/protocol/api';
import { ScaleOutError } from '../../../master-core/protocol/errors';
import type { CatalogPath } from '../../state/catalogTree';
import { formatTime } from '../../state/displayFormat';
import type { FakeHandlers } from '../../test/fakeApiClient';
import { renderWithApi } from '../../test/renderWithApi';
import { ObjectPropertiesDialog } from './ObjectPropertiesDialog';

const param = (over: Partial<ParameterInfo> & { name: string }): ParameterInfo => ({
  reference: `$Package::${over.name}`,
  dataType: 'String',
  defaultValue: null,
  required: false,
  sensitive: false,
  description: '',
  serverValue: null,
  ...over,
});

const catalog = (): FolderInfo[] => [
  {
    name: 'Sales',
    description: 'Sales loads',
    environments: [
      { name: 'Prod', description: '', variables: [] },
      { name: 'Test', description: '', variables: [] },
    ],
    projects: [
      {
        name: 'Load',
        description: 'Nightly <b>load</b>',
        versionId: 3,
        deployedAt: '2026-03-01T10:00:00.000Z',
        deployedBy: 'tree-user',
        parameters: [param({ name: 'Env', reference: '$Project::Env' })],
        references: [
          { referenceId: 1, referenceType: 'R', environmentFolderName: 'Sales', environmentName: 'Prod' },
        ],
        connectionManagers: [{ name: 'Warehouse', type: 'postgresql', description: 'the DW' }],
        packages: [
          {
            name: 'Daily',
            description: 'Loads a day',
            taskCount: 4,
            parameters: [
              param({ name: 'Day', dataType: 'DateTime', required: true, description: 'which day' }),
              param({ name: 'Secret', sensitive: true }),
              param({ name: 'Batch', dataType: 'Int32', defaultValue: 500 }),
            ],
            connectionManagers: [{ name: 'Input', type: 'flatFile', description: '' }],
          },
          { name: 'Empty', description: '', taskCount: 0, parameters: [] },
        ],
      },
      {
        name: 'Other',
        description: '',
        versionId: 1,
        deployedAt: '2026-01-01T00:00:00.000Z',
        deployedBy: 'me',
        parameters: [],
        references: [],
        packages: [{ name: 'One', description: '', taskCount: 1, parameters: [] }],
      },
    ],
  },
];

const version = (versionId: number, isCurrent: boolean): VersionRow => ({
  versionId,
  deployedAt: `2026-03-0${versionId}T10:00:00.000Z`,
  deployedBy: `user${versionId}`,
  contentHash: 'ab'.repeat(32),
  description: '',
  packageNames: ['Daily', 'Empty'],
  isCurrent,
});

function show(path: CatalogPath, handlers: FakeHandlers) {
  const onClose = vi.fn();
  const result = renderWithApi(<ObjectPropertiesDialog path={path} onClose={onClose} />, handlers);
  return { ...result, onClose };
}

const fact = (key: string) => screen.getByTestId(`object-property-${key}`).textContent;
const cells = (testId: string) =>
  [...screen.getByTestId(testId).querySelectorAll('td')].map((td) => td.textContent);

describe('ObjectPropertiesDialog', () => {
  it('shows loading, then a folder’s facts from catalog.tree', async () => {
    let answer: (out: { folders: FolderInfo[] }) => void = () => {};
    const { api, onClose } = show(
      { folder: 'Sales' },
      { 'catalog.tree': () => new Promise((resolve) => (answer = resolve)) },
    );
    expect(screen.getByTestId('object-properties-dialog').textContent).toContain('Folder Properties - Sales');
    expect(screen.getByTestId('object-properties-loading')).toBeTruthy();
    act(() => answer({ folders: catalog() }));
    await screen.findByTestId('object-properties-facts');
    expect(screen.queryByTestId('object-properties-loading')).toBeNull();
    expect(fact('name')).toBe('Sales');
    expect(fact('description')).toBe('Sales loads');
    expect(fact('projects')).toBe('2');
    expect(fact('packages')).toBe('3');
    expect(fact('environments')).toBe('2');
    expect(api.calls.map((c) => c.method)).toEqual(['catalog.tree']);
    await userEvent.click(screen.getByTestId('object-properties-close'));
    expect(onClose).toHaveBeenCalled();
  });

  it('shows a project’s current version from project.versions, its counts and connection managers', async () => {
    const { api } = show(
      { folder: 'Sales', project: 'Load' },
      {
        'catalog.tree': () => ({ folders: catalog() }),
        'project.versions': () => ({ versions: [version(2, false), version(3, true)] }),
      },
    );
    await waitFor(() => expect(fact('versions')).toBe('2'));
    expect(api.callsOf('project.versions')).toEqual([{ folderName: 'Sales', projectName: 'Load' }]);
    expect(fact('version')).toBe('3');
    expect(fact('deployed-by')).toBe('user3');
    expect(fact('deployed-at')).toBe(formatTime('2026-03-03T10:00:00.000Z'));
    expect(fact('description')).toBe('Nightly <b>load</b>'); // text, never markup
    expect(fact('packages')).toBe('2');
    expect(fact('parameters')).toBe('1');
    expect(fact('package-parameters')).toBe('3');
    expect(fact('references')).toBe('1');
    expect(fact('connection-managers')).toBe('1');
    expect(cells('object-properties-connection-manager-Warehouse')).toEqual([
      'Warehouse',
      'PostgreSQL',
      'the DW',
    ]);
  });

  it('shows the tree’s facts and the error when project.versions fails', async () => {
    show(
      { folder: 'Sales', project: 'Other' },
      {
        'catalog.tree': () => ({ folders: catalog() }),
        'project.versions': () => {
          throw new ScaleOutError('INTERNAL', 'versions table is locked');
        },
      },
    );
    expect((await screen.findByTestId('object-properties-error')).textContent).toBe(
      'Versions: versions table is locked',
    );
    expect(fact('version')).toBe('1');
    expect(fact('deployed-by')).toBe('me');
    expect(screen.queryByTestId('object-property-versions')).toBeNull();
    // No connection managers in the tree: no section for them.
    expect(screen.queryByTestId('object-properties-connection-managers')).toBeNull();
    expect(screen.queryByTestId('object-property-connection-managers')).toBeNull();
  });

  it('lists a package’s parameters with data type, required and sensitive, and its connection managers', async () => {
    const { api } = show(
      { folder: 'Sales', project: 'Load', package: 'Daily' },
      { 'catalog.tree': () => ({ folders: catalog() }) },
    );
    await screen.findByTestId('object-properties-parameters');
    expect(screen.getByTestId('object-properties-dialog').textContent).toContain(
      'Package Properties - Sales/Load/Daily',
    );
    expect(fact('project')).toBe('Load');
    expect(fact('tasks')).toBe('4');
    expect(fact('parameters')).toBe('3');
    expect(cells('object-properties-parameter-Day')).toEqual([
      'Day',
      'DateTime',
      'Yes',
      'No',
      'NULL',
      'which day',
    ]);
    expect(cells('object-properties-parameter-Secret')).toEqual([
      'Secret',
      'String',
      'No',
      'Yes',
      '********',
      '',
    ]);
    expect(cells('object-properties-parameter-Batch')).toEqual(['Batch', 'Int32', 'No', 'No', '500', '']);
    expect(cells('object-properties-connection-manager-Input')).toEqual(['Input', 'Flat File', '']);
    expect(api.callsOf('project.versions')).toEqual([]);
  });

  it('says when a package has no parameters', async () => {
    show(
      { folder: 'Sales', project: 'Load', package: 'Empty' },
      { 'catalog.tree': () => ({ folders: catalog() }) },
    );
    expect((await screen.findByTestId('object-properties-no-parameters')).textContent).toBe(
      'This package has no parameters.',
    );
    expect(screen.queryByTestId('object-properties-connection-managers')).toBeNull();
  });

  it('says when the object is gone, and follows catalog changes', async () => {
    let folders: FolderInfo[] = [];
    const { api } = show(
      { folder: 'Sales', project: 'Load' },
      {
        'catalog.tree': () => ({ folders }),
        'project.versions': () => ({ versions: [] }),
      },
    );
    expect((await screen.findByTestId('object-properties-missing')).textContent).toBe(
      'The project Load is no longer in the folder Sales.',
    );
    folders = catalog();
    act(() => api.emit({ type: 'catalog:changed' }));
    await waitFor(() => expect(fact('name')).toBe('Load'));
    expect(screen.queryByTestId('object-properties-missing')).toBeNull();
    expect(api.callsOf('catalog.tree')).toHaveLength(2);
  });

  it('shows the master’s error instead of an empty dialog', async () => {
    show(
      { folder: 'Sales' },
      {
        'catalog.tree': () => {
          throw new ScaleOutError('UNAUTHORIZED', 'token refused');
        },
      },
    );
    expect((await screen.findByTestId('object-properties-error')).textContent).toBe('token refused');
    expect(screen.queryByTestId('object-properties-loading')).toBeNull();
    expect(screen.queryByTestId('object-properties-missing')).toBeNull();
  });
});
