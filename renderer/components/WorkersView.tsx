import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import type { GridColDef } from '@mui/x-data-grid';
import { GridPanel } from './GridPanel';
import { WorkerActions } from './WorkerActions';
import type { WorkerRow } from '../../master-core/protocol/api';
import { formatBytes, formatPercent, formatTime } from '../state/displayFormat';

interface WorkersViewProps {
  rows: WorkerRow[];
  loaded: boolean;
  error: string | null;
  onReload: () => void;
}

const stateLabel = (state: WorkerRow['state']) => state[0]!.toUpperCase() + state.slice(1);
const stateColor: Record<WorkerRow['state'], 'success' | 'info' | 'warning' | 'error' | 'default'> = {
  online: 'success',
  busy: 'info',
  draining: 'warning',
  disabled: 'default',
  suspect: 'warning',
  offline: 'default',
  outdated: 'error',
};

const columns: GridColDef<WorkerRow>[] = [
  { field: 'name', headerName: 'Name', width: 160 },
  { field: 'machineName', headerName: 'Machine', width: 160 },
  {
    field: 'state',
    headerName: 'State',
    width: 105,
    valueGetter: (_value, row) => stateLabel(row.state),
    renderCell: ({ row }) => (
      <Chip
        label={stateLabel(row.state)}
        color={stateColor[row.state]}
        variant={row.state === 'offline' ? 'outlined' : 'filled'}
        data-testid={`worker-online-${row.name}`}
        data-state={row.state}
        sx={{ height: 20, fontSize: 12 }}
      />
    ),
  },
  { field: 'stateReason', headerName: 'Why', width: 260 },
  {
    field: 'actions',
    headerName: '',
    width: 190,
    sortable: false,
    filterable: false,
    renderCell: ({ row }) => <WorkerActions worker={row} />,
  },
  {
    field: 'enabled',
    headerName: 'Enabled',
    width: 80,
    valueGetter: (_value, row) => (row.enabled ? 'Yes' : 'No'),
  },
  {
    field: 'runningTasks',
    headerName: 'Tasks',
    description: 'Running / maximum tasks',
    width: 80,
    valueGetter: (_value, row) => row.runningTasks,
    valueFormatter: (_value, row) => `${row.runningTasks} / ${row.maxTasks}`,
  },
  {
    field: 'cpuPercent',
    headerName: 'CPU',
    type: 'number',
    width: 80,
    valueFormatter: (value: number | null) => formatPercent(value),
  },
  {
    field: 'freeMemoryBytes',
    headerName: 'Free memory',
    type: 'number',
    width: 110,
    valueFormatter: (value: number | null) => formatBytes(value),
  },
  {
    field: 'tags',
    headerName: 'Tags',
    flex: 1,
    minWidth: 140,
    sortable: false,
    valueGetter: (_value, row) => row.tags.join(', '),
    renderCell: ({ row }) => (
      <Box sx={{ display: 'flex', gap: 0.5, alignItems: 'center', height: '100%' }}>
        {row.tags.map((tag) => (
          <Chip key={tag} label={tag} variant="outlined" sx={{ height: 20, fontSize: 12 }} />
        ))}
      </Box>
    ),
  },
  {
    field: 'lastSeenAt',
    headerName: 'Last seen',
    width: 150,
    valueFormatter: (value: string) => formatTime(value),
  },
];

/** Scale Out Manager's worker list: state, capacity and health of every worker, live. */
export function WorkersView({ rows, loaded, error, onReload }: WorkersViewProps) {
  const online = rows.filter((w) => w.online).length;
  return (
    <GridPanel<WorkerRow>
      title="Workers"
      subtitle={`${online} of ${rows.length} online`}
      testId="workers"
      error={error}
      loaded={loaded}
      onReload={onReload}
      grid={{ rows, columns, getRowId: (row) => row.workerId }}
    />
  );
}
