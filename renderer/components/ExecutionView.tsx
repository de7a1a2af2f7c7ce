import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Checkbox from '@mui/material/Checkbox';
import Divider from '@mui/material/Divider';
import FormControlLabel from '@mui/material/FormControlLabel';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import { DataGrid, useGridApiRef } from '@mui/x-data-grid';
import type { GridColDef, GridPaginationModel } from '@mui/x-data-grid';
import { useEffect, useState } from 'react';
import type { MessageRow } from '../../master-core/protocol/api';
import { MessageType, messageTypeNames } from '../../master-core/protocol/codes';
import { useExecution } from '../hooks/useExecution';
import { useExecutionMessages } from '../hooks/useExecutionMessages';
import { useExecutionParameters } from '../hooks/useExecutionParameters';
import { formatClockTime, formatTime } from '../state/displayFormat';
import { MESSAGE_KINDS, filterMessages } from '../state/messageFilter';
import type { MessageKind } from '../state/messageFilter';
import { ExecutionSummary } from './ExecutionSummary';
import { ExecutionControls } from './ExecutionControls';
import { ExecutionPerformance } from './ExecutionPerformance';
import { AttemptsTimeline } from './executions/AttemptsTimeline';
import { ExecutionParameters } from './executions/ExecutionParameters';
import { FillBox } from './FillBox';

const PAGE_SIZE = 100;
const ERROR_TYPES: ReadonlySet<number> = new Set([MessageType.error, MessageType.taskFailed]);

const columns: GridColDef<MessageRow>[] = [
  {
    field: 'time',
    headerName: 'Time',
    width: 110,
    valueFormatter: (value: string) => formatClockTime(value),
    renderCell: ({ row }) => <span title={formatTime(row.time)}>{formatClockTime(row.time)}</span>,
  },
  { field: 'attemptNumber', headerName: 'Attempt', type: 'number', width: 75 },
  {
    field: 'messageType',
    headerName: 'Type',
    width: 130,
    valueGetter: (_value, row) => messageTypeNames[row.messageType] ?? String(row.messageType),
  },
  { field: 'sourceName', headerName: 'Source', width: 180 },
  {
    field: 'message',
    headerName: 'Message',
    flex: 1,
    minWidth: 300,
    renderCell: ({ row }) => (
      <Box
        component="span"
        sx={{ color: ERROR_TYPES.has(row.messageType) ? 'error.main' : 'inherit' }}
        title={row.message}
      >
        {row.message}
      </Box>
    ),
  },
];

type ExecutionPage = 'messages' | 'performance' | 'parameters';

interface ExecutionViewProps {
  executionId: number;
  /** Opens another execution's tab (the one Run again created). */
  onOpenExecution?: (executionId: number) => void;
}

/**
 * The "Execution <id>" tab: the execution's facts, Stop and Run again, its attempts on a time
 * axis, then its messages (following new ones live), its Performance page (task durations, Data
 * Flow rows per path) or its parameter values.
 */
export function ExecutionView({ executionId, onOpenExecution }: ExecutionViewProps) {
  const { execution, error: executionError } = useExecution(executionId);
  const { messages, error: messagesError } = useExecutionMessages(executionId);
  const parameters = useExecutionParameters(executionId);
  const [follow, setFollow] = useState(true);
  const [page, setPage] = useState<ExecutionPage>('messages');
  const [kind, setKind] = useState<MessageKind>('all');
  const [search, setSearch] = useState('');
  const shown = filterMessages(messages, kind, search);
  const [pagination, setPagination] = useState<GridPaginationModel>({ page: 0, pageSize: PAGE_SIZE });
  const apiRef = useGridApiRef();

  // Following: show the last page and scroll to its end whenever messages arrive.
  const lastPage = Math.max(0, Math.ceil(shown.length / pagination.pageSize) - 1);
  useEffect(() => {
    if (!follow) return;
    setPagination((p) => (p.page === lastPage ? p : { ...p, page: lastPage }));
    const frame = requestAnimationFrame(() => apiRef.current?.scroll({ top: Number.MAX_SAFE_INTEGER }));
    return () => cancelAnimationFrame(frame);
  }, [follow, lastPage, shown.length, apiRef]);

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', height: '100%' }}>
      {execution && <ExecutionSummary execution={execution} />}
      {execution && <ExecutionControls execution={execution} onOpenExecution={onOpenExecution} />}
      {execution && <AttemptsTimeline executionId={executionId} />}
      {executionError && (
        <Alert severity="error" sx={{ m: 1 }}>
          {executionError}
        </Alert>
      )}
      <Divider />
      <Tabs
        value={page}
        onChange={(_e, value: ExecutionPage) => setPage(value)}
        sx={{ minHeight: 36, px: 1 }}
      >
        <Tab
          value="messages"
          label={`Messages (${messages.length})`}
          sx={{ minHeight: 36 }}
          data-testid={`execution-page-messages-${executionId}`}
        />
        <Tab
          value="performance"
          label="Performance"
          sx={{ minHeight: 36 }}
          data-testid={`execution-page-performance-${executionId}`}
        />
        <Tab
          value="parameters"
          label={parameters.loaded ? `Parameters (${parameters.parameters.length})` : 'Parameters'}
          sx={{ minHeight: 36 }}
          data-testid={`execution-page-parameters-${executionId}`}
        />
      </Tabs>
      {page === 'parameters' && (
        <Box sx={{ flex: 1, minHeight: 0 }}>
          <ExecutionParameters executionId={executionId} state={parameters} />
        </Box>
      )}
      {page === 'performance' && execution && (
        <Box sx={{ flex: 1, minHeight: 0 }}>
          <ExecutionPerformance execution={execution} />
        </Box>
      )}
      {page === 'messages' && (
        <>
          <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, px: 1 }}>
            <TextField
              select
              label="Show"
              value={kind}
              onChange={(e) => setKind(e.target.value as MessageKind)}
              sx={{ width: 200 }}
              slotProps={{ htmlInput: { 'data-testid': `messages-kind-${executionId}` } }}
            >
              {Object.entries(MESSAGE_KINDS).map(([value, { label }]) => (
                <MenuItem key={value} value={value} data-testid={`messages-kind-option-${value}`}>
                  {label}
                </MenuItem>
              ))}
            </TextField>
            <TextField
              label="Search"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
              sx={{ width: 260 }}
              slotProps={{ htmlInput: { 'data-testid': `messages-search-${executionId}` } }}
            />
            <Box sx={{ flex: 1 }} />
            <FormControlLabel
              label="Follow new messages"
              control={
                <Checkbox
                  checked={follow}
                  onChange={(e) => setFollow(e.target.checked)}
                  slotProps={{ input: { ...{ 'data-testid': `messages-follow-${executionId}` } } }}
                />
              }
            />
          </Box>
          {messagesError && (
            <Alert severity="error" sx={{ mx: 1, mb: 1 }}>
              {messagesError}
            </Alert>
          )}
          <FillBox testId={`messages-${executionId}`}>
            <DataGrid
              apiRef={apiRef}
              rows={shown}
              columns={columns}
              getRowId={(row) => row.messageId}
              density="compact"
              paginationModel={pagination}
              onPaginationModelChange={(model) => {
                // Paging back through older messages stops following.
                if (model.page < Math.ceil(shown.length / model.pageSize) - 1) setFollow(false);
                setPagination(model);
              }}
              pageSizeOptions={[25, 50, 100]}
              disableRowSelectionOnClick
              sx={{ border: 0, bgcolor: 'background.paper' }}
            />
          </FillBox>
        </>
      )}
    </Box>
  );
}
