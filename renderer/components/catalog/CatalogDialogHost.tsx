import type { FolderInfo } from '../../../master-core/protocol/api';
import { useApi } from '../../hooks/useApi';
import { deleteQuestion } from '../../state/catalogMenu';
import type { CatalogDialog } from '../../state/catalogMenu';
import { CatalogPropertiesDialog } from './CatalogPropertiesDialog';
import { ConfigureDialog } from './ConfigureDialog';
import { ConfirmDialog } from './ConfirmDialog';
import { CreateObjectDialog } from './CreateObjectDialog';
import { DeployProjectDialog } from './DeployProjectDialog';
import { EnvironmentDialog } from './EnvironmentDialog';
import { ObjectPropertiesDialog } from './ObjectPropertiesDialog';
import { VersionsDialog } from './VersionsDialog';

interface CatalogDialogHostProps {
  dialog: CatalogDialog;
  folders: readonly FolderInfo[];
  onClose: () => void;
  /** The catalog changed: refresh the tree (catalog:changed does too; this covers a missed event). */
  onChanged: () => void;
}

/** Shows the dialog an Object Explorer menu entry asked for. */
export function CatalogDialogHost({ dialog, folders, onClose, onChanged }: CatalogDialogHostProps) {
  const client = useApi();
  const closeChanged = () => {
    onChanged();
    onClose();
  };
  switch (dialog.kind) {
    case 'createFolder':
      return (
        <CreateObjectDialog
          title="Create Folder"
          what="folder"
          onCreate={async (name, description) => {
            const { created } = await client.call('folder.create', { name, description });
            if (!created) throw new Error(`A folder named ${name} already exists.`);
          }}
          onClose={onClose}
          onCreated={closeChanged}
        />
      );
    case 'createEnvironment':
      return (
        <CreateObjectDialog
          title={`Create Environment - ${dialog.folderName}`}
          what="environment"
          onCreate={async (environmentName, description) => {
            await client.call('environment.create', {
              folderName: dialog.folderName,
              environmentName,
              description,
            });
          }}
          onClose={onClose}
          onCreated={closeChanged}
        />
      );
    case 'deploy':
      return (
        <DeployProjectDialog
          folders={folders}
          {...(dialog.folderName ? { initialFolder: dialog.folderName } : {})}
          onClose={onClose}
          onChanged={onChanged}
        />
      );
    case 'catalogProperties':
      return <CatalogPropertiesDialog onClose={onClose} />;
    case 'objectProperties':
      return <ObjectPropertiesDialog path={dialog.path} onClose={onClose} />;
    case 'versions':
      return (
        <VersionsDialog
          folderName={dialog.folderName}
          projectName={dialog.projectName}
          onClose={onClose}
          onChanged={onChanged}
        />
      );
    case 'configure':
      return (
        <ConfigureDialog
          folders={folders}
          folderName={dialog.folderName}
          projectName={dialog.projectName}
          {...(dialog.packageName ? { packageName: dialog.packageName } : {})}
          onClose={onClose}
          onChanged={onChanged}
        />
      );
    case 'environment':
      return (
        <EnvironmentDialog
          folderName={dialog.folderName}
          environmentName={dialog.environmentName}
          onClose={onClose}
          onChanged={onChanged}
        />
      );
    case 'deleteFolder':
      return (
        <ConfirmDialog
          title="Delete Folder"
          question={deleteQuestion(dialog)}
          confirmLabel="Delete"
          onConfirm={async () => {
            await client.call('folder.delete', { name: dialog.folderName });
          }}
          onClose={onClose}
          onDone={closeChanged}
        />
      );
    case 'deleteProject':
      return (
        <ConfirmDialog
          title="Delete Project"
          question={deleteQuestion(dialog)}
          confirmLabel="Delete"
          onConfirm={async () => {
            await client.call('project.delete', {
              folderName: dialog.folderName,
              projectName: dialog.projectName,
            });
          }}
          onClose={onClose}
          onDone={closeChanged}
        />
      );
    case 'deleteEnvironment':
      return (
        <ConfirmDialog
          title="Delete Environment"
          question={deleteQuestion(dialog)}
          confirmLabel="Delete"
          onConfirm={async () => {
            await client.call('environment.delete', {
              folderName: dialog.folderName,
              environmentName: dialog.environmentName,
            });
          }}
          onClose={onClose}
          onDone={closeChanged}
        />
      );
  }
}
