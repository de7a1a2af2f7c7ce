import ArticleIcon from '@mui/icons-material/Article';
import IconButton from '@mui/material/IconButton';
import Tooltip from '@mui/material/Tooltip';
import type { GridColDef } from '@mui/x-data-grid';
import { GridPanel } from './GridPanel';
import { useMemo } from 'react';
import type { ExecutionRow } from '../../master-core/protocol/api';
import { durationMs, formatTime } from '../state/displayFormat';
import { EXECUTION_LIST_LIMIT } from '../state/executionsStore';
import { statusName } from '../state/statusDisplay';
import { DurationText } from './DurationText';
import { StatusChip } from './StatusChip';

interface ExecutionsViewProps {
  rows: ExecutionRow[];
  loaded: boolean;
  error: string | null;
  onReload: () => void;
  onOpenExecution: (executionId: number) => void;
}

function columns(onOpenExecution: (executionId: number) => void): GridColDef<ExecutionRow>[] {
  const time = (
    field: 'createdAt' | 'startedAt' | 'endedAt',
    headerName: string,
  ): GridColDef<ExecutionRow> => ({
    field,
    headerName,
    width: 145,
    valueFormatter: (value: string | null) => formatTime(value),
  });
  return [
    {
      field: 'messages',
      headerName: '',
      width: 44,
      sortable: false,
      filterable: false,
      disableColumnMenu: true,
      renderCell: ({ row }) => (
        <Tooltip title="Messages">
          <IconButton
            aria-label={`Messages of execution ${row.executionId}`}
            onClick={() => onOpenExecution(row.executionId)}
            data-testid={`open-messages-${row.executionId}`}
          >
            <ArticleIcon fontSize="small" />
          </IconButton>
        </Tooltip>
      ),
    },
    { field: 'executionId', headerName: 'ID', type: 'number', width: 70 },
    { field: 'folderName', headerName: 'Folder', width: 110 },
    { field: 'projectName', headerName: 'Project', width: 130 },
    { field: 'packageName', headerName: 'Package', flex: 1, minWidth: 140 },
    {
      field: 'status',
      headerName: 'Status',
      width: 140,
      // Sorting and filtering use the name users see.
      valueGetter: (_value, row) => statusName(row.status),
      renderCell: ({ row }) => (
        <StatusChip executionId={row.executionId} status={row.status} detail={row.lastError} />
      ),
    },
    {
      field: 'workerName',
      headerName: 'Worker',
      width: 120,
      valueGetter: (_value, row) => row.workerName ?? row.machineName ?? '',
    },
    { field: 'attempts', headerName: 'Attempts', type: 'number', width: 80 },
    time('createdAt', 'Created'),
    time('startedAt', 'Started'),
    time('endedAt', 'Ended'),
    {
      field: 'duration',
      headerName: 'Duration',
      width: 95,
      valueGetter: (_value, row) => durationMs(row.startedAt, row.endedAt, Date.now()),
      renderCell: ({ row }) => <DurationText startedAt={row.startedAt} endedAt={row.endedAt} />,
    },
  ];
}

/** "All Executions": the newest executions, live. Double-click a row for its messages. */
export function ExecutionsView({ rows, loaded, error, onReload, onOpenExecution }: ExecutionsViewProps) {
  const cols = useMemo(() => columns(onOpenExecution), [onOpenExecution]);
  return (
    <GridPanel<ExecutionRow>
      title="All Executions"
      subtitle={`newest ${EXECUTION_LIST_LIMIT}, updated live`}
      testId="executions"
      error={error}
      loaded={loaded}
      onReload={onReload}
      grid={{
        rows,
        columns: cols,
        getRowId: (row) => row.executionId,
        onRowDoubleClick: ({ row }) => onOpenExecution(row.executionId),
      }}
    />
  );
}
