import Box from '@mui/material/Box';
import Checkbox from '@mui/material/Checkbox';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormHelperText from '@mui/material/FormHelperText';
import InputLabel from '@mui/material/InputLabel';
import MenuItem from '@mui/material/MenuItem';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Select from '@mui/material/Select';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { WorkerRow } from '../../master-core/protocol/api';
import { LOGGING_LEVELS } from '../state/executeRequest';
import type { ExecuteFormState, FieldErrors, MachineMode } from '../state/executeRequest';

interface OptionsProps {
  form: ExecuteFormState;
  errors: FieldErrors;
  disabled: boolean;
  onChange: (patch: Partial<ExecuteFormState>) => void;
}

export function SectionTitle({ children }: { children: string }) {
  return (
    <Typography variant="subtitle2" sx={{ mt: 2, mb: 0.5, borderBottom: 1, borderColor: 'divider' }}>
      {children}
    </Typography>
  );
}

/** Retry count, priority, logging level and timeout: the same for every package submitted. */
export function AdvancedOptions({ form, errors, disabled, onChange }: OptionsProps) {
  return (
    <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(4, 1fr)', columnGap: 2 }}>
      <TextField
        label="Retry count"
        type="number"
        value={form.retryCount}
        disabled={disabled}
        onChange={(e) => onChange({ retryCount: e.target.value })}
        error={errors.retryCount !== undefined}
        helperText={errors.retryCount ?? 'Attempts after a failure'}
        slotProps={{ htmlInput: { min: 0, max: 100, 'data-testid': 'execute-retry-count' } }}
      />
      <TextField
        label="Priority"
        type="number"
        value={form.priority}
        disabled={disabled}
        onChange={(e) => onChange({ priority: e.target.value })}
        error={errors.priority !== undefined}
        helperText={errors.priority ?? 'Higher runs first'}
        slotProps={{ htmlInput: { min: -1000, max: 1000, 'data-testid': 'execute-priority' } }}
      />
      <FormControl error={errors.loggingLevel !== undefined} disabled={disabled}>
        <InputLabel id="execute-logging-level-label">Logging level</InputLabel>
        <Select
          labelId="execute-logging-level-label"
          label="Logging level"
          value={form.loggingLevel}
          onChange={(e) => onChange({ loggingLevel: Number(e.target.value) })}
          data-testid="execute-logging-level"
        >
          {LOGGING_LEVELS.map((level) => (
            <MenuItem key={level.value} value={level.value} data-testid={`logging-level-${level.value}`}>
              {level.label}
            </MenuItem>
          ))}
        </Select>
        {errors.loggingLevel && <FormHelperText>{errors.loggingLevel}</FormHelperText>}
      </FormControl>
      <TextField
        label="Timeout (seconds)"
        type="number"
        value={form.timeoutSeconds}
        disabled={disabled}
        onChange={(e) => onChange({ timeoutSeconds: e.target.value })}
        error={errors.timeoutSeconds !== undefined}
        helperText={errors.timeoutSeconds ?? 'Empty: no timeout'}
        slotProps={{ htmlInput: { min: 0, step: 'any', 'data-testid': 'execute-timeout' } }}
      />
    </Box>
  );
}

interface MachineSelectionProps extends OptionsProps {
  workers: WorkerRow[];
}

/** SSIS Scale Out's machine selection: any worker, chosen workers, or workers with all given tags. */
export function MachineSelection({ form, errors, disabled, onChange, workers }: MachineSelectionProps) {
  const toggleWorker = (name: string, checked: boolean) => {
    const others = form.selectedWorkers.filter((n) => n !== name);
    onChange({ selectedWorkers: checked ? [...others, name] : others });
  };
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
      >
        {radio('any', 'Any worker')}
        {radio('workers', 'Selected workers')}
        {radio('tags', 'Workers with tags')}
      </RadioGroup>
      {form.machineMode === 'workers' && (
        <Box sx={{ maxHeight: 160, overflow: 'auto', border: 1, borderColor: 'divider', px: 1 }}>
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
              label={`${w.name} (${w.machineName})${w.online ? '' : ' - offline'}${w.enabled ? '' : ' - disabled'}`}
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
        <TextField
          label="Tags"
          value={form.tagsText}
          disabled={disabled}
          onChange={(e) => onChange({ tagsText: e.target.value })}
          placeholder="e.g. linux, gpu"
          helperText={errors.targeting ? undefined : 'Comma separated; a worker needs all of them'}
          fullWidth
          slotProps={{ htmlInput: { 'data-testid': 'execute-tags' } }}
        />
      )}
      {errors.targeting && <FormHelperText data-testid="targeting-error">{errors.targeting}</FormHelperText>}
    </FormControl>
  );
}
