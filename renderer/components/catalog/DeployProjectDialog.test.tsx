// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { ApiOutput } from '../../../master-core/protocol/api';
import { ScaleOutError } from '../../../master-core/protocol/errors';
import { folders } from '../../state/catalogFixture';
import { renderWithApi } from '../../test/renderWithApi';
import type { FakeHandlers } from '../../test/fakeApiClient';
import { DeployProjectDialog } from './DeployProjectDialog';

type DeployOutput = ApiOutput<'project.deployFiles'>;

function fileIn(folder: string, path: string, content: string): File {
  const file = new File([content], path.split('/').pop()!);
  Object.defineProperty(file, 'webkitRelativePath', { value: `${folder}/${path}` });
  return file;
}

const projectFiles = [
  fileIn('Hello', 'project.json', '{"name":"Hello"}'),
  fileIn('Hello', 'Hello.package.json', '{"name":"Hello","executables":[]}'),
  fileIn('Hello', '.git/HEAD', 'ref: main'),
];

const valid: DeployOutput = { problems: [], projectName: 'Hello', packageNames: ['Hello'], deployed: null };

function renderDeploy(handlers: FakeHandlers, initialFolder?: string) {
  const onChanged = vi.fn();
  const onClose = vi.fn();
  const result = renderWithApi(
    <DeployProjectDialog
      folders={folders}
      {...(initialFolder ? { initialFolder } : {})}
      onClose={onClose}
      onChanged={onChanged}
    />,
    handlers,
  );
  return { ...result, onChanged, onClose };
}

async function chooseFolder(files: File[] = projectFiles) {
  fireEvent.change(screen.getByTestId('deploy-folder-input'), { target: { files } });
  await screen.findByTestId('deploy-source');
}

describe('DeployProjectDialog', () => {
  it('validates the chosen folder’s files with their relative paths, hidden ones left out', async () => {
    const { api, onChanged } = renderDeploy({ 'project.deployFiles': () => valid }, 'Sales');
    await chooseFolder();
    expect(screen.getByTestId('deploy-source').textContent).toContain('Hello: 2 files');
    await userEvent.click(screen.getByTestId('deploy-validate'));
    expect((await screen.findByTestId('deploy-valid')).textContent).toContain(
      'Hello is valid: packages Hello',
    );
    expect(api.callsOf('project.deployFiles')).toEqual([
      {
        folderName: 'Sales',
        validateOnly: true,
        files: [
          { path: 'Hello.package.json', content: '{"name":"Hello","executables":[]}' },
          { path: 'project.json', content: '{"name":"Hello"}' },
        ],
      },
    ]);
    expect(onChanged).not.toHaveBeenCalled();
  });

  it('lists every problem the master found as file:line:col: path: message', async () => {
    renderDeploy(
      {
        'project.deployFiles': () => ({
          problems: [
            {
              file: 'Hello.package.json',
              line: 3,
              column: 5,
              path: 'executables.0.type',
              message: 'unknown task type Foo',
            },
            { file: 'project.json', line: null, column: null, path: '', message: 'not valid JSON' },
          ],
          projectName: null,
          packageNames: [],
          deployed: null,
        }),
      },
      'Sales',
    );
    await chooseFolder();
    await userEvent.click(screen.getByTestId('deploy-submit'));
    const problems = await screen.findAllByTestId('deploy-problem');
    expect(problems.map((p) => p.textContent)).toEqual([
      'Hello.package.json:3:5: executables.0.type: unknown task type Foo',
      'project.json: not valid JSON',
    ]);
    expect(screen.getByTestId('deploy-problems-summary').textContent).toContain(
      '2 problems; nothing was deployed',
    );
  });

  it('deploys, shows the new version and refreshes the tree', async () => {
    const { api, onChanged } = renderDeploy({
      'project.deployFiles': (input) => ({
        ...valid,
        deployed: input.validateOnly ? null : { versionId: 7, packageCount: 1, unchanged: false },
      }),
    });
    await chooseFolder();
    await userEvent.selectOptions(screen.getByTestId('deploy-folder'), 'Finance');
    await userEvent.click(screen.getByTestId('deploy-submit'));
    expect((await screen.findByTestId('deploy-result')).textContent).toBe(
      'Deployed Hello to Finance as version 7 (1 package).',
    );
    expect(api.callsOf('project.deployFiles')[0]).toMatchObject({
      folderName: 'Finance',
      validateOnly: false,
    });
    expect(onChanged).toHaveBeenCalledTimes(1);
  });

  it('sends a single bundle file under its own name', async () => {
    const { api } = renderDeploy({ 'project.deployFiles': () => valid }, 'Sales');
    const bundle = new File(['{"project":{}}'], 'bundle.json');
    fireEvent.change(screen.getByTestId('deploy-file-input'), { target: { files: [bundle] } });
    await screen.findByTestId('deploy-source');
    await userEvent.click(screen.getByTestId('deploy-validate'));
    await screen.findByTestId('deploy-valid');
    expect(api.callsOf('project.deployFiles')[0]?.files).toEqual([
      { path: 'bundle.json', content: '{"project":{}}' },
    ]);
  });

  it('names what is missing instead of sending', async () => {
    const { api } = renderDeploy({ 'project.deployFiles': () => valid });
    await userEvent.click(screen.getByTestId('deploy-validate'));
    expect(screen.getByTestId('deploy-source-error').textContent).toBe(
      'Choose a project folder or a bundle file.',
    );
    expect(screen.getByText('Choose the catalog folder to deploy to.')).toBeTruthy();
    expect(api.callsOf('project.deployFiles')).toEqual([]);
  });

  it('shows the master’s error instead of swallowing it', async () => {
    renderDeploy(
      {
        'project.deployFiles': () => {
          throw new ScaleOutError('NOT_FOUND', 'folder Sales does not exist');
        },
      },
      'Sales',
    );
    await chooseFolder();
    await userEvent.click(screen.getByTestId('deploy-submit'));
    expect((await screen.findByTestId('deploy-error')).textContent).toBe('folder Sales does not exist');
  });

  it('creates a new catalog folder and deploys to it', async () => {
    const { api, onChanged } = renderDeploy({
      'folder.create': () => ({ created: true }),
      'project.deployFiles': () => valid,
    });
    await userEvent.selectOptions(screen.getByTestId('deploy-folder'), 'New folder...');
    fireEvent.change(screen.getByTestId('deploy-new-folder-name'), { target: { value: 'Marketing' } });
    await userEvent.click(screen.getByTestId('deploy-new-folder-create'));
    await waitFor(() =>
      expect((screen.getByTestId('deploy-folder') as HTMLSelectElement).value).toBe('Marketing'),
    );
    expect(api.callsOf('folder.create')).toEqual([{ name: 'Marketing', description: '' }]);
    expect(onChanged).toHaveBeenCalled();
    await chooseFolder();
    await userEvent.click(screen.getByTestId('deploy-validate'));
    await screen.findByTestId('deploy-valid');
    expect(api.callsOf('project.deployFiles')[0]?.folderName).toBe('Marketing');
  });

  it('says when the chosen folder holds nothing to deploy', async () => {
    renderDeploy({}, 'Sales');
    fireEvent.change(screen.getByTestId('deploy-folder-input'), {
      target: { files: [fileIn('Empty', '.DS_Store', '')] },
    });
    expect((await screen.findByTestId('deploy-source-error')).textContent).toBe(
      'Empty holds no project files.',
    );
    expect(within(screen.getByTestId('deploy-dialog')).queryByTestId('deploy-source')).toBeNull();
  });
});
