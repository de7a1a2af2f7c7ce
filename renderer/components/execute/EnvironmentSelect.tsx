import Alert from '@mui/material/Alert';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import type { ReferenceInfo } from '../../../master-core/protocol/api';
import type { ProjectReferences } from '../../hooks/useProjectReferences';

/** "Prod" for an environment in the project's folder, "Shared\Prod" for one elsewhere (SSIS style). */
export function referenceLabel(reference: ReferenceInfo, projectFolder: string): string {
  return reference.referenceType === 'R' ||
    reference.environmentFolderName.toLowerCase() === projectFolder.toLowerCase()
    ? `${reference.environmentName} (this folder)`
    : `${reference.environmentFolderName}\\${reference.environmentName}`;
}

interface EnvironmentSelectProps {
  targetKey: string;
  projectFolder: string;
  references: ProjectReferences | undefined;
  value: number | null;
  error: string | undefined;
  disabled: boolean;
  onChange: (referenceId: number | null) => void;
}

/** SSIS's "Environment": which environment reference of the project the execution runs with. */
export function EnvironmentSelect({
  targetKey,
  projectFolder,
  references,
  value,
  error,
  disabled,
  onChange,
}: EnvironmentSelectProps) {
  if (references?.state === 'error') {
    return (
      <Alert severity="error" sx={{ mb: 1 }} data-testid={`execute-environment-error-${targetKey}`}>
        {`Environment references could not be read: ${references.message}`}
      </Alert>
    );
  }
  const list = references?.state === 'loaded' ? references.references : [];
  const loading = !references || references.state === 'loading';
  return (
    <TextField
      select
      label="Environment"
      value={value === null ? '' : String(value)}
      onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))}
      disabled={disabled || loading || list.length === 0}
      error={error !== undefined}
      helperText={
        error ??
        (loading
          ? 'Reading the project’s environment references...'
          : list.length === 0
            ? 'The project has no environment references'
            : 'Parameters configured to take environment variables read them from here')
      }
      sx={{ minWidth: 320, mb: 1 }}
      size="small"
      slotProps={{
        select: { displayEmpty: true },
        inputLabel: { shrink: true },
        htmlInput: { 'data-testid': `execute-environment-${targetKey}` },
      }}
    >
      <MenuItem value="">
        <em>No environment</em>
      </MenuItem>
      {list.map((r) => (
        <MenuItem key={r.referenceId} value={String(r.referenceId)}>
          {referenceLabel(r, projectFolder)}
        </MenuItem>
      ))}
    </TextField>
  );
}
