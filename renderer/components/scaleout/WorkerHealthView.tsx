import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import LinearProgress from '@mui/material/LinearProgress';
import TableSortLabel from '@mui/material/TableSortLabel';
import Typography from '@mui/material/Typography';
import { useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import type { WorkerRow } from '../../../master-core/protocol/api';
import type { LiveCollection } from '../../hooks/useLiveCollection';
import { useNow } from '../../hooks/useNow';
import { useWorkerHealthHistory } from '../../hooks/useWorkerHealthHistory';
import { allTags, filterWorkers, NO_FILTER, sortWorkersBy, visibleRange } from '../../state/workerHealthView';
import type { HealthFilter, HealthSort, HealthSortKey } from '../../state/workerHealthView';
import { HEALTH_COLUMNS, HEALTH_ROW_HEIGHT, WorkerHealthRow } from './WorkerHealthRow';
import { WorkerHealthToolbar } from './WorkerHealthToolbar';

/** Until the list is measured (and where nothing is laid out), assume a typical window. */
const ASSUMED_VIEWPORT_PX = 720;

const HEADERS: { key: HealthSortKey | null; label: string }[] = [
  { key: 'name', label: 'Worker' },
  { key: 'state', label: 'State' },
  { key: 'cpu', label: 'CPU' },
  { key: 'memory', label: 'Memory' },
  { key: null, label: 'Disk' },
  { key: null, label: 'Tasks' },
  { key: 'heartbeat', label: 'Heartbeat' },
];

function useViewport() {
  const ref = useRef<HTMLDivElement | null>(null);
  const [height, setHeight] = useState(ASSUMED_VIEWPORT_PX);
  const [scrollTop, setScrollTop] = useState(0);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(() => {
      if (element.clientHeight > 0) setHeight(element.clientHeight);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return { ref, height, scrollTop, onScroll: () => setScrollTop(ref.current?.scrollTop ?? 0) };
}

function Header({ sort, onSort }: { sort: HealthSort; onSort: (sort: HealthSort) => void }) {
  return (
    <Box
      role="row"
      sx={{
        display: 'grid',
        gridTemplateColumns: HEALTH_COLUMNS,
        gap: 1,
        px: 1,
        py: 0.5,
        borderBottom: 1,
        borderColor: 'divider',
      }}
    >
      {HEADERS.map(({ key, label }) => (
        <Typography key={label} role="columnheader" variant="caption" sx={{ fontWeight: 600 }}>
          {key ? (
            <TableSortLabel
              active={sort.key === key}
              direction={sort.key === key ? sort.direction : 'asc'}
              onClick={() =>
                onSort({ key, direction: sort.key === key && sort.direction === 'asc' ? 'desc' : 'asc' })
              }
              data-testid={`health-sort-${key}`}
            >
              {label}
            </TableSortLabel>
          ) : (
            label
          )}
        </Typography>
      ))}
    </Box>
  );
}

/**
 * Worker health: every worker's state and why, CPU, memory and disk over the last minutes, tasks
 * and heartbeat age, live. Only the rows in view are rendered, and only their history is fetched.
 */
export function WorkerHealthView({ workers }: { workers: LiveCollection<WorkerRow> }) {
  const [filter, setFilter] = useState<HealthFilter>(NO_FILTER);
  const [sort, setSort] = useState<HealthSort>({ key: 'state', direction: 'asc' });
  // Hundreds of heartbeats a minute: sorting and filtering may lag a frame behind typing and scrolling.
  const rows = useDeferredValue(workers.rows);
  const tags = useMemo(() => allTags(rows), [rows]);
  const shown = useMemo(() => sortWorkersBy(filterWorkers(rows, filter), sort), [rows, filter, sort]);
  const viewport = useViewport();
  const { start, end } = visibleRange(viewport.scrollTop, viewport.height, HEALTH_ROW_HEIGHT, shown.length);
  const visible = shown.slice(start, end);
  const history = useWorkerHealthHistory(visible.map((w) => w.workerId));
  const nowMs = useNow(1000);

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', height: '100%' }} data-testid="worker-health">
      <WorkerHealthToolbar
        workers={rows}
        shown={shown.length}
        tags={tags}
        filter={filter}
        onFilter={setFilter}
      />
      {!workers.loaded && <LinearProgress aria-label="Loading workers" data-testid="health-loading" />}
      {workers.error && (
        <Alert severity="error" sx={{ mx: 1, mb: 0.5 }} data-testid="health-error">
          {workers.error}
        </Alert>
      )}
      <Box
        role="table"
        aria-label="Worker health"
        sx={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column', overflowX: 'auto' }}
      >
        <Header sort={sort} onSort={setSort} />
        <Box
          ref={viewport.ref}
          onScroll={viewport.onScroll}
          sx={{ flex: 1, minHeight: 0, overflowY: 'auto', position: 'relative' }}
          data-testid="health-list"
        >
          {workers.loaded && shown.length === 0 && (
            <Typography variant="body2" color="text.secondary" sx={{ p: 2 }} data-testid="health-empty">
              {rows.length === 0
                ? 'No workers yet: add one in Scale Out Manager.'
                : 'No worker matches the filter.'}
            </Typography>
          )}
          <Box role="rowgroup" sx={{ position: 'relative', height: shown.length * HEALTH_ROW_HEIGHT }}>
            {visible.map((worker, i) => (
              <WorkerHealthRow
                key={worker.workerId}
                worker={worker}
                samples={history.samplesOf(worker.workerId)}
                historyError={history.errorOf(worker.workerId)}
                nowMs={nowMs}
                top={(start + i) * HEALTH_ROW_HEIGHT}
              />
            ))}
          </Box>
        </Box>
      </Box>
    </Box>
  );
}
