import Autocomplete from '@mui/material/Autocomplete';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Chip from '@mui/material/Chip';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormHelperText from '@mui/material/FormHelperText';
import MenuItem from '@mui/material/MenuItem';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { WorkerRow } from '../../master-core/protocol/api';
import { LOGGING_LEVELS, advancedFieldKey } from '../state/executeRequest';
import type { ExecuteFormState, FieldErrors, MachineMode, PackageOptions } from '../state/executeRequest';
import { MachinePreviewPanel } from './execute/MachinePreviewPanel';

export function SectionTitle({ children }: { children: string }) {
  return (
    <Typography variant="subtitle2" sx={{ mt: 2, mb: 0.5, borderBottom: 1, borderColor: 'divider' }}>
      {children}
    </Typography>
  );
}

interface AdvancedOptionsProps {
  targetKey: string;
  options: PackageOptions;
  errors: FieldErrors;
  disabled: boolean;
  onChange: (patch: Partial<PackageOptions>) => void;
  /** Copies these options to every package; absent when there is only one. */
  onApplyToAll?: () => void;
}

/** One package's Advanced page: logging level, retry count, timeout, priority, maximum queue wait. */
export function AdvancedOptions({
  targetKey,
  options,
  errors,
  disabled,
  onChange,
  onApplyToAll,
}: AdvancedOptionsProps) {
  const error = (field: Parameters<typeof advancedFieldKey>[1]) => errors[advancedFieldKey(targetKey, field)];
  return (
    <Box>
      <Box
        sx={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(190px, 1fr))', gap: 2, pt: 1 }}
      >
        <TextField
          select
          label="Logging level"
          value={String(options.loggingLevel)}
          disabled={disabled}
          onChange={(e) => onChange({ loggingLevel: Number(e.target.value) })}
          error={error('loggingLevel') !== undefined}
          helperText={error('loggingLevel') ?? 'Which messages are kept'}
          slotProps={{ htmlInput: { 'data-testid': 'execute-logging-level' } }}
        >
          {LOGGING_LEVELS.map((level) => (
            <MenuItem
              key={level.value}
              value={String(level.value)}
              data-testid={`logging-level-${level.value}`}
            >
              {level.label}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          label="Retry count"
          type="number"
          value={options.retryCount}
          disabled={disabled}
          onChange={(e) => onChange({ retryCount: e.target.value })}
          error={error('retryCount') !== undefined}
          helperText={error('retryCount') ?? 'Attempts after a failure'}
          slotProps={{ htmlInput: { min: 0, max: 100, 'data-testid': 'execute-retry-count' } }}
        />
        <TextField
          label="Timeout (seconds)"
          type="number"
          value={options.timeoutSeconds}
          disabled={disabled}
          onChange={(e) => onChange({ timeoutSeconds: e.target.value })}
          error={error('timeoutSeconds') !== undefined}
          helperText={error('timeoutSeconds') ?? 'Empty: no timeout'}
          slotProps={{ htmlInput: { min: 0, step: 'any', 'data-testid': 'execute-timeout' } }}
        />
        <TextField
          label="Priority"
          type="number"
          value={options.priority}
          disabled={disabled}
          onChange={(e) => onChange({ priority: e.target.value })}
          error={error('priority') !== undefined}
          helperText={error('priority') ?? 'Higher runs first (-1000 to 1000)'}
          slotProps={{ htmlInput: { min: -1000, max: 1000, 'data-testid': 'execute-priority' } }}
        />
        <TextField
          label="Maximum queue wait (seconds)"
          type="number"
          value={options.maxQueueWaitSeconds}
          disabled={disabled}
          onChange={(e) => onChange({ maxQueueWaitSeconds: e.target.value })}
          error={error('maxQueueWaitSeconds') !== undefined}
          helperText={error('maxQueueWaitSeconds') ?? 'Fail if no worker took it by then; empty: wait'}
          slotProps={{ htmlInput: { min: 0, step: 'any', 'data-testid': 'execute-max-queue-wait' } }}
        />
      </Box>
      {onApplyToAll && (
        <Button
          size="small"
          sx={{ mt: 1 }}
          onClick={onApplyToAll}
          disabled={disabled}
          data-testid="execute-advanced-all"
        >
          Use these options for every package
        </Button>
      )}
    </Box>
  );
}

interface MachineSelectionProps {
  form: ExecuteFormState;
  errors: FieldErrors;
  disabled: boolean;
  onChange: (patch: Partial<ExecuteFormState>) => void;
  workers: WorkerRow[];
}

const workerLabel = (w: WorkerRow) =>
  `${w.name} (${w.machineName})${w.online ? '' : ' - offline'}${w.enabled ? '' : ' - disabled'}${
    w.tags.length > 0 ? ` [${w.tags.join(', ')}]` : ''
  }`;

/**
 * SSIS Scale Out's Machine Selection: any worker, chosen workers, or workers with all given tags;
 * with a live preview of which workers could take the executions now.
 */
export function MachineSelection({ form, errors, disabled, onChange, workers }: MachineSelectionProps) {
  const toggleWorker = (name: string, checked: boolean) => {
    const others = form.selectedWorkers.filter((n) => n !== name);
    onChange({ selectedWorkers: checked ? [...others, name] : others });
  };
  const knownTags = [...new Set(workers.flatMap((w) => w.tags))].sort((a, b) => a.localeCompare(b));
  const radio = (mode: MachineMode, label: string) => (
    <FormControlLabel
      value={mode}
      label={label}
      disabled={disabled}
      control={<Radio slotProps={{ input: { ...{ 'data-testid': `machine-${mode}` } } }} />}
    />
  );
  return (
    <FormControl error={errors.targeting !== undefined} fullWidth margin="none">
      <RadioGroup
        row
        value={form.machineMode}
        onChange={(e) => onChange({ machineMode: e.target.value as MachineMode })}
        aria-label="Machine selection"
      >
        {radio('any', 'Any worker')}
        {radio('workers', 'Selected workers')}
        {radio('tags', 'Workers with tags')}
      </RadioGroup>
      {form.machineMode === 'workers' && (
        <Box
          sx={{ maxHeight: 180, overflow: 'auto', border: 1, borderColor: 'divider', px: 1 }}
          role="group"
          aria-label="Workers"
          data-testid="machine-worker-list"
        >
          {workers.length === 0 && (
            <Typography variant="body2" color="text.secondary" sx={{ py: 1 }}>
              No workers have enrolled yet.
            </Typography>
          )}
          {workers.map((w) => (
            <FormControlLabel
              key={w.workerId}
              sx={{ display: 'flex' }}
              disabled={disabled}
              label={workerLabel(w)}
              control={
                <Checkbox
                  checked={form.selectedWorkers.includes(w.name)}
                  onChange={(e) => toggleWorker(w.name, e.target.checked)}
                  slotProps={{ input: { ...{ 'data-testid': `machine-worker-${w.name}` } } }}
                />
              }
            />
          ))}
        </Box>
      )}
      {form.machineMode === 'tags' && (
        <Autocomplete
          multiple
          freeSolo
          options={knownTags}
          value={form.tags}
          disabled={disabled}
          onChange={(_e, tags) => onChange({ tags: tags.map(String) })}
          renderValue={(tags, getItemProps) =>
            tags.map((tag, index) => {
              const { key, ...itemProps } = getItemProps({ index });
              return (
                <Chip key={key} label={tag} size="small" {...itemProps} data-testid={`machine-tag-${tag}`} />
              );
            })
          }
          renderInput={(params) => (
            <TextField
              {...params}
              label="Tags"
              placeholder={form.tags.length === 0 ? 'e.g. linux (Enter adds a tag)' : undefined}
              helperText={errors.targeting ? undefined : 'A worker needs all of them'}
              slotProps={{
                ...params.slotProps,
                htmlInput: { ...params.slotProps.htmlInput, 'data-testid': 'execute-tags' },
              }}
            />
          )}
        />
      )}
      {errors.targeting && <FormHelperText data-testid="targeting-error">{errors.targeting}</FormHelperText>}
      <MachinePreviewPanel form={form} />
    </FormControl>
  );
}
