import FilterAltOffIcon from '@mui/icons-material/FilterAltOff';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import type { GridColDef, GridPaginationModel } from '@mui/x-data-grid';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { AuditRow } from '../../../master-core/protocol/api';
import { coerceError } from '../../../master-core/protocol/errors';
import { useApi } from '../../hooks/useApi';
import { formatTime } from '../../state/displayFormat';
import { auditListInput, EMPTY_AUDIT_FILTERS, hasAuditFilters } from '../../state/securityForms';
import type { AuditFilters, AuditOutcome } from '../../state/securityForms';
import { GridPanel } from '../GridPanel';

const outcomeColor = { ok: 'success', refused: 'warning', failed: 'error' } as const;
const OUTCOMES: readonly { value: AuditOutcome | ''; label: string }[] = [
  { value: '', label: 'Any' },
  { value: 'ok', label: 'ok' },
  { value: 'refused', label: 'refused' },
  { value: 'failed', label: 'failed' },
];
const PAGE_SIZES = [25, 50, 100];

const columns: GridColDef<AuditRow>[] = [
  {
    field: 'time',
    headerName: 'Time',
    width: 160,
    sortable: false,
    valueFormatter: (v: string) => formatTime(v),
  },
  { field: 'userName', headerName: 'User', width: 130, sortable: false },
  { field: 'method', headerName: 'Method', width: 170, sortable: false },
  { field: 'target', headerName: 'Target', width: 220, sortable: false },
  {
    field: 'outcome',
    headerName: 'Outcome',
    width: 100,
    sortable: false,
    renderCell: ({ row }) => (
      <Chip
        size="small"
        variant="outlined"
        label={row.outcome}
        color={outcomeColor[row.outcome]}
        data-testid={`audit-outcome-${row.auditId}`}
        sx={{ height: 20, fontSize: 12 }}
      />
    ),
  },
  {
    field: 'detail',
    headerName: 'Detail',
    flex: 1,
    minWidth: 200,
    sortable: false,
    renderCell: ({ row }) => (
      <Box component="span" title={row.detail}>
        {row.detail}
      </Box>
    ),
  },
  { field: 'clientAddress', headerName: 'Client', width: 130, sortable: false },
];

/**
 * The audit trail (audit.list): who did what and when, every change and every refused attempt,
 * newest first. Paged and filtered by the master (user, method, outcome, time range).
 */
export function AuditPanel({ filterDelayMs = 300 }: { filterDelayMs?: number }) {
  const client = useApi();
  const [filters, setFilters] = useState<AuditFilters>(EMPTY_AUDIT_FILTERS);
  const [applied, setApplied] = useState<AuditFilters>(EMPTY_AUDIT_FILTERS);
  const [pagination, setPagination] = useState<GridPaginationModel>({ page: 0, pageSize: 50 });
  const [reloads, setReloads] = useState(0);
  const [state, setState] = useState<{
    rows: AuditRow[];
    total: number;
    loading: boolean;
    error: string | null;
  }>({
    rows: [],
    total: 0,
    loading: true,
    error: null,
  });
  const seq = useRef(0);

  useEffect(() => {
    if (filters === applied) return;
    const timer = setTimeout(() => {
      setApplied(filters);
      setPagination((p) => (p.page === 0 ? p : { ...p, page: 0 }));
    }, filterDelayMs);
    return () => clearTimeout(timer);
  }, [filters, applied, filterDelayMs]);

  const built = useMemo(
    () => auditListInput(applied, pagination.page, pagination.pageSize),
    [applied, pagination],
  );
  const shownErrors = useMemo(() => {
    const now = auditListInput(filters, 0, pagination.pageSize);
    return now.ok ? {} : now.errors;
  }, [filters, pagination.pageSize]);

  useEffect(() => {
    if (!built.ok) return;
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    client.call('audit.list', built.input).then(
      ({ entries, total }) => {
        if (mine === seq.current) setState({ rows: entries, total, loading: false, error: null });
      },
      (e: unknown) => {
        if (mine === seq.current) setState((s) => ({ ...s, loading: false, error: coerceError(e).message }));
      },
    );
  }, [client, built, reloads]);

  const set = <K extends keyof AuditFilters>(key: K, value: AuditFilters[K]) =>
    setFilters((f) => ({ ...f, [key]: value }));
  const text = (key: 'userName' | 'method', label: string, width: number) => (
    <TextField
      size="small"
      label={label}
      value={filters[key]}
      onChange={(e) => set(key, e.target.value)}
      sx={{ width }}
      slotProps={{ htmlInput: { 'data-testid': `audit-filter-${key}` } }}
    />
  );
  const time = (key: 'after' | 'before', label: string) => (
    <TextField
      size="small"
      type="datetime-local"
      label={label}
      value={filters[key]}
      onChange={(e) => set(key, e.target.value)}
      error={Boolean(shownErrors[key])}
      helperText={shownErrors[key]}
      sx={{ width: 210 }}
      slotProps={{ inputLabel: { shrink: true }, htmlInput: { 'data-testid': `audit-filter-${key}` } }}
    />
  );

  return (
    <GridPanel<AuditRow>
      title="Audit"
      subtitle={`${state.total.toLocaleString()} entr${state.total === 1 ? 'y' : 'ies'}${
        hasAuditFilters(applied) ? ' matching the filters' : ''
      }, newest first`}
      testId="audit"
      error={state.error}
      loaded={!state.loading}
      onReload={() => setReloads((n) => n + 1)}
      toolbar={
        <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1, px: 1, pb: 1, alignItems: 'flex-start' }}>
          {text('userName', 'User', 150)}
          {text('method', 'Method', 170)}
          <TextField
            select
            size="small"
            label="Outcome"
            value={filters.outcome}
            onChange={(e) => set('outcome', e.target.value as AuditOutcome | '')}
            sx={{ width: 120 }}
            slotProps={{
              select: { SelectDisplayProps: { 'data-testid': 'audit-filter-outcome' } as object },
            }}
          >
            {OUTCOMES.map((o) => (
              <MenuItem
                key={o.label}
                value={o.value}
                data-testid={`audit-outcome-option-${o.value || 'any'}`}
              >
                {o.label}
              </MenuItem>
            ))}
          </TextField>
          {time('after', 'From')}
          {time('before', 'To')}
          <Button
            startIcon={<FilterAltOffIcon />}
            disabled={!hasAuditFilters(filters)}
            onClick={() => {
              setFilters(EMPTY_AUDIT_FILTERS);
              setApplied(EMPTY_AUDIT_FILTERS);
              setPagination((p) => ({ ...p, page: 0 }));
            }}
            data-testid="audit-clear-filters"
          >
            Clear filters
          </Button>
        </Box>
      }
      grid={{
        rows: state.rows,
        columns,
        getRowId: (row) => row.auditId,
        rowCount: state.total,
        paginationMode: 'server',
        filterMode: 'server',
        disableColumnFilter: true,
        paginationModel: pagination,
        onPaginationModelChange: setPagination,
        pageSizeOptions: PAGE_SIZES,
        localeText: {
          noRowsLabel: hasAuditFilters(applied)
            ? 'No audit entries match the filters'
            : 'No audit entries yet',
        },
      }}
    />
  );
}
