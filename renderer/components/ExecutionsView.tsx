import ArticleIcon from '@mui/icons-material/Article';
import StopIcon from '@mui/icons-material/Stop';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import IconButton from '@mui/material/IconButton';
import Tooltip from '@mui/material/Tooltip';
import type { GridColDef, GridPaginationModel, GridRowSelectionModel, GridSortModel } from '@mui/x-data-grid';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ExecutionRow } from '../../master-core/protocol/api';
import { coerceError } from '../../master-core/protocol/errors';
import { useAccess } from '../hooks/useAccess';
import { useApi } from '../hooks/useApi';
import { useCatalog } from '../hooks/useCatalog';
import { LIVE_REFRESH_MS, useExecutionPage } from '../hooks/useExecutionPage';
import { useWorkers } from '../hooks/useWorkers';
import { formatTime } from '../state/displayFormat';
import {
  buildListInput,
  DEFAULT_PAGE_SIZE,
  EMPTY_FILTERS,
  hasFilters,
  PAGE_SIZE_OPTIONS,
  SORTABLE_FIELDS,
} from '../state/executionsQuery';
import type { ExecutionFilters, ExecutionsFilterRequest } from '../state/executionsQuery';
import { selectedOnPage, stoppableSelection, stopSummary } from '../state/executionsStore';
import type { StopFailure } from '../state/executionsStore';
import { DurationText } from './DurationText';
import { ExecutionsFilterBar } from './executions/ExecutionsFilterBar';
import { NoExecutionsContext, NoExecutionsOverlay } from './executions/NoExecutionsOverlay';
import { GridPanel } from './GridPanel';
import { StatusChip } from './StatusChip';
import { WhyNot } from './WhyNot';

interface ExecutionsViewProps {
  onOpenExecution: (executionId: number) => void;
  /** Typing in the filter bar sends one request once it pauses this long. */
  filterDelayMs?: number;
  /** At most one live refresh of the page per this many milliseconds. */
  liveRefreshMs?: number;
  /**
   * Filters to show (Reports > All Executions in the Object Explorer). They replace the bar's
   * filters when the view mounts and whenever `key` changes; typing afterwards changes them as usual.
   */
  filterRequest?: ExecutionsFilterRequest | null;
  /** The filters in force changed (after typing pauses, a clear or a request). */
  onFiltersApplied?: (filters: ExecutionFilters) => void;
}

const EMPTY_SELECTION: GridRowSelectionModel = { type: 'include', ids: new Set() };

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
  const cols: GridColDef<ExecutionRow>[] = [
    {
      field: 'messages',
      headerName: '',
      width: 44,
      disableColumnMenu: true,
      renderCell: ({ row }) => (
        <Tooltip title="Open">
          <IconButton
            aria-label={`Open execution ${row.executionId}`}
            onClick={() => onOpenExecution(row.executionId)}
            data-testid={`open-messages-${row.executionId}`}
          >
            <ArticleIcon fontSize="small" />
          </IconButton>
        </Tooltip>
      ),
    },
    { field: 'executionId', headerName: 'ID', type: 'number', width: 70 },
    {
      field: 'status',
      headerName: 'Status',
      width: 140,
      renderCell: ({ row }) => (
        <StatusChip executionId={row.executionId} status={row.status} detail={row.lastError} />
      ),
    },
    { field: 'folderName', headerName: 'Folder', width: 110 },
    { field: 'projectName', headerName: 'Project', width: 130 },
    { field: 'packageName', headerName: 'Package', width: 150 },
    {
      field: 'workerName',
      headerName: 'Worker',
      width: 120,
      valueGetter: (_value, row) => row.workerName ?? '',
    },
    time('createdAt', 'Created'),
    time('startedAt', 'Started'),
    time('endedAt', 'Ended'),
    {
      field: 'duration',
      headerName: 'Duration',
      width: 95,
      renderCell: ({ row }) => <DurationText startedAt={row.startedAt} endedAt={row.endedAt} />,
    },
    { field: 'attempts', headerName: 'Attempts', type: 'number', width: 80 },
    { field: 'createdBy', headerName: 'Caller', width: 120 },
    {
      field: 'lastError',
      headerName: 'Last error',
      flex: 1,
      minWidth: 200,
      renderCell: ({ row }) => (
        <Box component="span" title={row.lastError ?? undefined} sx={{ color: 'error.main' }}>
          {row.lastError ?? ''}
        </Box>
      ),
    },
  ];
  // The master sorts; columns it cannot sort by offer no sort.
  return cols.map((c) => ({ ...c, sortable: c.field in SORTABLE_FIELDS }));
}

/**
 * "All Executions" (the SSMS report): every execution, filtered, sorted and paged by the master,
 * updated live. Select several to stop them; double-click a row or press Enter to open one.
 */
export function ExecutionsView({
  onOpenExecution,
  filterDelayMs = 300,
  liveRefreshMs = LIVE_REFRESH_MS,
  filterRequest = null,
  onFiltersApplied,
}: ExecutionsViewProps) {
  const client = useApi();
  const access = useAccess();
  const catalog = useCatalog();
  const workers = useWorkers();
  /** What the filter bar shows; `applied` follows once typing pauses. */
  const [filters, setFilters] = useState<ExecutionFilters>(() => filterRequest?.filters ?? EMPTY_FILTERS);
  const [applied, setApplied] = useState<ExecutionFilters>(() => filterRequest?.filters ?? EMPTY_FILTERS);
  const [requestKey, setRequestKey] = useState(filterRequest?.key);
  const [pagination, setPagination] = useState<GridPaginationModel>({ page: 0, pageSize: DEFAULT_PAGE_SIZE });
  const [sortModel, setSortModel] = useState<GridSortModel>([]);
  const [selection, setSelection] = useState<GridRowSelectionModel>(EMPTY_SELECTION);
  const [stopping, setStopping] = useState(false);
  const [stopResult, setStopResult] = useState<{ summary: string; failures: StopFailure[] } | null>(null);

  // A new request replaces the filters at once (no typing delay), in this render: one request, not two.
  if (filterRequest && filterRequest.key !== requestKey) {
    setRequestKey(filterRequest.key);
    setFilters(filterRequest.filters);
    setApplied(filterRequest.filters);
    setPagination((p) => (p.page === 0 ? p : { ...p, page: 0 }));
    setSelection(EMPTY_SELECTION);
  }

  useEffect(() => {
    onFiltersApplied?.(applied);
  }, [applied, onFiltersApplied]);

  // New filters start again at the first page, in the same render (one request, not two).
  useEffect(() => {
    if (filters === applied) return;
    const timer = setTimeout(() => {
      setApplied(filters);
      setPagination((p) => (p.page === 0 ? p : { ...p, page: 0 }));
      setSelection(EMPTY_SELECTION);
    }, filterDelayMs);
    return () => clearTimeout(timer);
  }, [filters, applied, filterDelayMs]);

  const grid = useMemo(
    () => ({ page: pagination.page, pageSize: pagination.pageSize, sortModel }),
    [pagination, sortModel],
  );
  const page = useExecutionPage(applied, grid, liveRefreshMs);
  const filterErrors = useMemo(() => {
    const built = buildListInput(filters, grid, Date.now());
    return built.ok ? {} : built.errors;
  }, [filters, grid]);

  const clearFilters = useCallback(() => {
    setFilters(EMPTY_FILTERS);
    setApplied(EMPTY_FILTERS);
    setPagination((p) => ({ ...p, page: 0 }));
    setSelection(EMPTY_SELECTION);
  }, []);
  const emptyState = useMemo(
    () => ({ filtered: hasFilters(applied), failed: page.error !== null, onClearFilters: clearFilters }),
    [applied, page.error, clearFilters],
  );

  const selectedIds = selectedOnPage(selection, page.rows);
  // Only what the caller may stop (Execute on the execution's folder); the rest is left alone.
  const toStop = stoppableSelection(
    page.rows.filter((r) => access.can('execute', r.folderName)),
    selectedIds,
  );
  const stopWhyNot = access.whyNot('execute');

  const stopSelected = async () => {
    setStopping(true);
    setStopResult(null);
    const results = await Promise.allSettled(
      toStop.map((executionId) => client.call('execution.stop', { executionId })),
    );
    const failures = results.flatMap((r, i) =>
      r.status === 'rejected' ? [{ executionId: toStop[i]!, message: coerceError(r.reason).message }] : [],
    );
    setStopResult({ summary: stopSummary(results.length - failures.length, failures), failures });
    setSelection(EMPTY_SELECTION);
    setStopping(false);
    page.reload();
  };

  const cols = useMemo(() => columns(onOpenExecution), [onOpenExecution]);
  const workerNames = useMemo(() => workers.rows.map((w) => w.name), [workers.rows]);
  const suggestionsError = [catalog.error, workers.error].filter(Boolean).join('; ') || null;

  return (
    <NoExecutionsContext.Provider value={emptyState}>
      <GridPanel<ExecutionRow>
        title="All Executions"
        subtitle={`${page.total.toLocaleString()} execution${page.total === 1 ? '' : 's'}, updated live`}
        testId="executions"
        error={page.error}
        loaded={!page.loading}
        onReload={page.reload}
        actions={
          <WhyNot reason={stopWhyNot}>
            <Button
              color="error"
              startIcon={<StopIcon />}
              disabled={toStop.length === 0 || stopping}
              onClick={() => void stopSelected()}
              data-testid="executions-stop"
            >
              {toStop.length > 0 ? `Stop (${toStop.length})` : 'Stop'}
            </Button>
          </WhyNot>
        }
        toolbar={
          <>
            <ExecutionsFilterBar
              filters={filters}
              onChange={setFilters}
              errors={filterErrors}
              folders={catalog.rows}
              workerNames={workerNames}
              suggestionsError={suggestionsError}
            />
            {stopResult && (
              <Alert
                severity={stopResult.failures.length > 0 ? 'warning' : 'success'}
                onClose={() => setStopResult(null)}
                sx={{ mx: 1, mb: 1 }}
                data-testid="executions-stop-result"
              >
                {stopResult.summary}
                {stopResult.failures.map((f) => (
                  <div key={f.executionId}>{`Execution ${f.executionId}: ${f.message}`}</div>
                ))}
              </Alert>
            )}
          </>
        }
        grid={{
          rows: page.rows as ExecutionRow[],
          columns: cols,
          getRowId: (row) => row.executionId,
          rowCount: page.total,
          paginationMode: 'server',
          sortingMode: 'server',
          filterMode: 'server',
          // Filtering is the bar above; the master applies it.
          disableColumnFilter: true,
          paginationModel: pagination,
          onPaginationModelChange: (model) => {
            setPagination(model);
            setSelection(EMPTY_SELECTION);
          },
          pageSizeOptions: PAGE_SIZE_OPTIONS,
          sortModel,
          onSortModelChange: (model) => {
            setSortModel(model);
            setPagination((p) => (p.page === 0 ? p : { ...p, page: 0 }));
          },
          checkboxSelection: true,
          rowSelectionModel: selection,
          onRowSelectionModelChange: setSelection,
          onRowDoubleClick: ({ row }) => onOpenExecution(row.executionId),
          onCellKeyDown: (params, event) => {
            if (event.key !== 'Enter' || params.field === '__check__' || params.field === 'messages') return;
            event.defaultMuiPrevented = true;
            onOpenExecution((params.row as ExecutionRow).executionId);
          },
          slots: { noRowsOverlay: NoExecutionsOverlay },
          slotProps: { loadingOverlay: { variant: 'linear-progress', noRowsVariant: 'linear-progress' } },
        }}
      />
    </NoExecutionsContext.Provider>
  );
}
