import Autocomplete from '@mui/material/Autocomplete';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { WorkerRow } from '../../../master-core/protocol/api';
import type { HealthFilter } from '../../state/workerHealthView';
import { ALL_WORKER_STATES, workerStateColor, workerStateLabel } from '../../state/workerStateDisplay';

interface WorkerHealthToolbarProps {
  workers: readonly WorkerRow[];
  shown: number;
  tags: readonly string[];
  filter: HealthFilter;
  onFilter: (filter: HealthFilter) => void;
}

/** Filters of the health view: name text, states (toggle chips with counts) and tags. */
export function WorkerHealthToolbar({ workers, shown, tags, filter, onFilter }: WorkerHealthToolbarProps) {
  const counts = new Map<string, number>();
  for (const w of workers) counts.set(w.state, (counts.get(w.state) ?? 0) + 1);
  const toggleState = (state: WorkerRow['state']) =>
    onFilter({
      ...filter,
      states: filter.states.includes(state)
        ? filter.states.filter((s) => s !== state)
        : [...filter.states, state],
    });
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, px: 1, py: 0.5, flexWrap: 'wrap' }}>
      <TextField
        label="Find worker"
        value={filter.text}
        onChange={(e) => onFilter({ ...filter, text: e.target.value })}
        sx={{ width: 180 }}
        slotProps={{ htmlInput: { 'data-testid': 'health-filter-text' } }}
      />
      <Box sx={{ display: 'flex', gap: 0.5, flexWrap: 'wrap' }} role="group" aria-label="Show states">
        {ALL_WORKER_STATES.map((state) => {
          const selected = filter.states.includes(state);
          return (
            <Chip
              key={state}
              label={`${workerStateLabel(state)} ${counts.get(state) ?? 0}`}
              color={selected ? workerStateColor(state) : 'default'}
              variant={selected ? 'filled' : 'outlined'}
              onClick={() => toggleState(state)}
              aria-pressed={selected}
              data-testid={`health-filter-state-${state}`}
            />
          );
        })}
      </Box>
      <Autocomplete
        multiple
        options={[...tags]}
        value={[...filter.tags]}
        onChange={(_e, value) => onFilter({ ...filter, tags: value })}
        sx={{ minWidth: 200 }}
        renderInput={(params) => (
          <TextField
            {...params}
            label="Tags"
            slotProps={{
              ...params.slotProps,
              htmlInput: { ...params.slotProps.htmlInput, 'data-testid': 'health-filter-tags' },
            }}
          />
        )}
      />
      <Typography variant="caption" color="text.secondary" sx={{ ml: 'auto' }} data-testid="health-count">
        {shown === workers.length ? `${workers.length} workers` : `${shown} of ${workers.length} workers`}
      </Typography>
    </Box>
  );
}
