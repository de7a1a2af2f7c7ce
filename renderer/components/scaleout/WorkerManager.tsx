import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import type { GridColDef } from '@mui/x-data-grid';
import { useMemo } from 'react';
import type { WorkerRow } from '../../../master-core/protocol/api';
import type { LiveCollection } from '../../hooks/useLiveCollection';
import { formatBytes, formatPercent, formatTime } from '../../state/displayFormat';
import { GridPanel } from '../GridPanel';
import { WorkerActions } from '../WorkerActions';
import { WorkerStateChip } from './WorkerStateChip';

interface WorkerManagerProps {
  workers: LiveCollection<WorkerRow>;
  onEdit: (worker: WorkerRow) => void;
  onRevoke: (worker: WorkerRow) => void;
}

function columns(props: Pick<WorkerManagerProps, 'onEdit' | 'onRevoke'>): GridColDef<WorkerRow>[] {
  return [
    { field: 'name', headerName: 'Name', width: 150 },
    {
      field: 'state',
      headerName: 'State',
      width: 105,
      renderCell: ({ row }) =>
        row.revokedAt ? (
          <Chip
            label="Revoked"
            color="error"
            variant="outlined"
            data-testid={`worker-online-${row.name}`}
            data-state="revoked"
            sx={{ height: 20, fontSize: 12 }}
          />
        ) : (
          <WorkerStateChip worker={row} testId={`worker-online-${row.name}`} />
        ),
    },
    {
      field: 'stateReason',
      headerName: 'Why',
      width: 240,
      valueGetter: (_v, row) => (row.revokedAt ? `revoked at ${formatTime(row.revokedAt)}` : row.stateReason),
    },
    {
      field: 'actions',
      headerName: '',
      width: 260,
      sortable: false,
      filterable: false,
      renderCell: ({ row }) => <WorkerActions worker={row} onEdit={props.onEdit} onRevoke={props.onRevoke} />,
    },
    { field: 'machineName', headerName: 'Machine', width: 150 },
    { field: 'description', headerName: 'Description', width: 160 },
    {
      field: 'enabled',
      headerName: 'Enabled',
      width: 75,
      valueGetter: (_v, row) => (row.enabled ? 'Yes' : 'No'),
    },
    {
      field: 'runningTasks',
      headerName: 'Tasks',
      description: 'Running / maximum tasks',
      width: 75,
      valueFormatter: (_v, row) => `${row.runningTasks} / ${row.maxTasks}`,
    },
    {
      field: 'cpuPercent',
      headerName: 'CPU',
      type: 'number',
      width: 75,
      valueFormatter: (v: number | null) => formatPercent(v),
    },
    {
      field: 'freeMemoryBytes',
      headerName: 'Free memory',
      type: 'number',
      width: 105,
      valueFormatter: (v: number | null) => formatBytes(v),
    },
    {
      field: 'limits',
      headerName: 'Limits',
      description: 'Max CPU % and min free memory: above or below them the worker takes no new work',
      width: 140,
      sortable: false,
      valueGetter: (_v, row) => `CPU ≤ ${row.maxCpuPercent} %, mem ≥ ${formatBytes(row.minFreeMemoryBytes)}`,
    },
    {
      field: 'tags',
      headerName: 'Tags',
      flex: 1,
      minWidth: 140,
      sortable: false,
      valueGetter: (_v, row) => row.tags.join(', '),
      renderCell: ({ row }) => (
        <Box sx={{ display: 'flex', gap: 0.5, alignItems: 'center', height: '100%' }}>
          {row.tags.map((tag) => (
            <Chip key={tag} label={tag} variant="outlined" sx={{ height: 20, fontSize: 12 }} />
          ))}
        </Box>
      ),
    },
    { field: 'agentVersion', headerName: 'Agent', width: 75 },
    {
      field: 'lastSeenAt',
      headerName: 'Last seen',
      width: 150,
      valueFormatter: (v: string) => formatTime(v),
    },
  ];
}

/** SSIS's Worker Manager: every worker with its state and why, enable/disable/drain, edit, revoke. */
export function WorkerManager({ workers, onEdit, onRevoke }: WorkerManagerProps) {
  const online = workers.rows.filter((w) => w.online).length;
  const gridColumns = useMemo(() => columns({ onEdit, onRevoke }), [onEdit, onRevoke]);
  return (
    <GridPanel<WorkerRow>
      title="Worker Manager"
      subtitle={
        workers.rows.length === 0 && workers.loaded
          ? 'no workers yet: Add worker enrols one'
          : `${online} of ${workers.rows.length} online`
      }
      testId="workers"
      error={workers.error}
      loaded={workers.loaded}
      onReload={workers.reload}
      grid={{ rows: workers.rows, columns: gridColumns, getRowId: (row) => row.workerId }}
    />
  );
}
