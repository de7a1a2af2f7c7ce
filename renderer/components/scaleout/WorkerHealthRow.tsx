import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Typography from '@mui/material/Typography';
import { memo } from 'react';
import type { ReactNode } from 'react';
import type { HealthSample, WorkerRow } from '../../../master-core/protocol/api';
import { formatBytes, formatPercent } from '../../state/displayFormat';
import { HEALTH_WINDOW_MS, memoryUsedPercent } from '../../state/healthSamples';
import type { SparklineFrame } from '../../state/sparkline';
import { heartbeatAgeText } from '../../state/workerHealthView';
import { Sparkline } from './Sparkline';
import { WorkerStateChip } from './WorkerStateChip';

export const HEALTH_ROW_HEIGHT = 64;
/** Name, state, CPU, memory, disk, tasks, heartbeat: shared by the header and the rows. */
export const HEALTH_COLUMNS = 'minmax(160px, 1.4fr) minmax(170px, 1.6fr) 170px 170px 170px 80px 120px';
const SPARK = { width: 96, height: 24 };

interface WorkerHealthRowProps {
  worker: WorkerRow;
  samples: readonly HealthSample[];
  nowMs: number;
  historyError: string | undefined;
  top: number;
}

function Metric({ label, line, testId }: { label: string; line: ReactNode; testId: string }) {
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, minWidth: 0 }}>
      {line}
      <Typography variant="caption" data-testid={testId} noWrap>
        {label}
      </Typography>
    </Box>
  );
}

/** One worker in the health view: state and why, CPU, memory and disk over the last minutes, tasks, heartbeat age. */
export const WorkerHealthRow = memo(function WorkerHealthRow({
  worker,
  samples,
  nowMs,
  historyError,
  top,
}: WorkerHealthRowProps) {
  const frame = (min: number, max: number): SparklineFrame => ({
    ...SPARK,
    startMs: nowMs - HEALTH_WINDOW_MS,
    endMs: nowMs,
    min,
    max,
  });
  const cpu = samples.map((s) => ({ timeMs: s.timeMs, value: s.cpuPercent }));
  const hasTotal = worker.totalMemoryBytes > 0;
  const memory = samples.map((s) => ({
    timeMs: s.timeMs,
    value: hasTotal ? memoryUsedPercent(s.freeMemoryBytes, worker.totalMemoryBytes) : s.freeMemoryBytes,
  }));
  const disk = samples.map((s) => ({ timeMs: s.timeMs, value: s.freeDiskBytes }));
  const maxOf = (values: (number | null)[]) => Math.max(1, ...values.filter((v): v is number => v !== null));
  const usedPercent = memoryUsedPercent(worker.freeMemoryBytes, worker.totalMemoryBytes);
  const name = worker.name;
  const window = `over the last ${HEALTH_WINDOW_MS / 60_000} minutes`;

  return (
    <Box
      role="row"
      data-testid={`health-row-${name}`}
      sx={{
        position: 'absolute',
        top,
        left: 0,
        right: 0,
        height: HEALTH_ROW_HEIGHT,
        display: 'grid',
        gridTemplateColumns: HEALTH_COLUMNS,
        alignItems: 'center',
        gap: 1,
        px: 1,
        borderBottom: 1,
        borderColor: 'divider',
      }}
    >
      <Box sx={{ minWidth: 0 }} role="cell">
        <Typography variant="body2" noWrap sx={{ fontWeight: 600 }} title={worker.machineName}>
          {name}
        </Typography>
        <Box sx={{ display: 'flex', gap: 0.5, overflow: 'hidden' }}>
          {worker.tags.map((tag) => (
            <Chip key={tag} label={tag} variant="outlined" sx={{ height: 18, fontSize: 11 }} />
          ))}
        </Box>
      </Box>
      <Box sx={{ minWidth: 0 }} role="cell">
        <WorkerStateChip worker={worker} testId={`health-state-${name}`} />
        <Typography variant="caption" color="text.secondary" component="p" noWrap title={worker.stateReason}>
          {worker.stateReason}
        </Typography>
        {historyError && (
          <Typography
            variant="caption"
            color="error"
            component="p"
            noWrap
            title={historyError}
            data-testid={`health-history-error-${name}`}
          >
            history: {historyError}
          </Typography>
        )}
      </Box>
      <Box role="cell">
        <Metric
          label={formatPercent(worker.cpuPercent) || 'no report'}
          testId={`health-cpu-${name}`}
          line={
            <Sparkline
              points={cpu}
              frame={frame(0, 100)}
              color="info.main"
              label={`CPU of ${name} ${window}`}
              testId={`health-cpu-line-${name}`}
            />
          }
        />
      </Box>
      <Box role="cell">
        <Metric
          label={
            usedPercent !== null
              ? `${usedPercent.toFixed(0)} % used`
              : formatBytes(worker.freeMemoryBytes) || 'no report'
          }
          testId={`health-memory-${name}`}
          line={
            <Sparkline
              points={memory}
              frame={hasTotal ? frame(0, 100) : frame(0, maxOf(memory.map((p) => p.value)))}
              color="secondary.main"
              label={`Memory of ${name} ${window}`}
              testId={`health-memory-line-${name}`}
            />
          }
        />
      </Box>
      <Box role="cell">
        <Metric
          label={worker.freeDiskBytes !== null ? `${formatBytes(worker.freeDiskBytes)} free` : 'no report'}
          testId={`health-disk-${name}`}
          line={
            <Sparkline
              points={disk}
              frame={frame(0, maxOf(disk.map((p) => p.value)))}
              color="warning.main"
              label={`Free disk of ${name} ${window}`}
              testId={`health-disk-line-${name}`}
            />
          }
        />
      </Box>
      <Typography
        role="cell"
        variant="body2"
        data-testid={`health-tasks-${name}`}
        title="Running / maximum tasks"
      >
        {worker.runningTasks} / {worker.maxTasks}
      </Typography>
      <Typography
        role="cell"
        variant="caption"
        data-testid={`health-heartbeat-${name}`}
        title={worker.lastSeenAt}
      >
        {heartbeatAgeText(worker.lastSeenAt, nowMs)}
      </Typography>
    </Box>
  );
});
