import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Typography from '@mui/material/Typography';
import { memo } from 'react';
import type { HealthSample, WorkerRow } from '../../../master-core/protocol/api';
import { formatBytes, formatPercent } from '../../state/displayFormat';
import { HEALTH_WINDOW_MS, healthSeries, memoryUsedPercent } from '../../state/healthSamples';
import type { SparklinePoint } from '../../state/sparkline';
import { heartbeatAgeText } from '../../state/workerHealthView';
import { Sparkline } from './Sparkline';
import { WorkerStateChip } from './WorkerStateChip';

export const HEALTH_ROW_HEIGHT = 64;
/** Name, state, CPU, memory, disk, tasks, heartbeat: shared by the header and the rows. */
export const HEALTH_COLUMNS = 'minmax(160px, 1.4fr) minmax(170px, 1.6fr) 170px 170px 170px 80px 120px';
const SPARK = { width: 96, height: 24 };
const WINDOW_TEXT = `over the last ${HEALTH_WINDOW_MS / 60_000} minutes`;

interface WorkerHealthRowProps {
  worker: WorkerRow;
  samples: readonly HealthSample[];
  nowMs: number;
  historyError: string | undefined;
  top: number;
}

interface MetricProps {
  kind: 'cpu' | 'memory' | 'disk';
  title: string;
  name: string;
  text: string;
  points: SparklinePoint[];
  max: number;
  color: string;
  nowMs: number;
}

/** A sparkline and the latest value beside it. */
function Metric({ kind, title, name, text, points, max, color, nowMs }: MetricProps) {
  const frame = { ...SPARK, startMs: nowMs - HEALTH_WINDOW_MS, endMs: nowMs, min: 0, max };
  return (
    <Box role="cell" sx={{ display: 'flex', alignItems: 'center', gap: 1, minWidth: 0 }}>
      <Sparkline
        points={points}
        frame={frame}
        color={color}
        label={`${title} of ${name} ${WINDOW_TEXT}`}
        testId={`health-${kind}-line-${name}`}
      />
      <Typography variant="caption" data-testid={`health-${kind}-${name}`} noWrap>
        {text}
      </Typography>
    </Box>
  );
}

function NameAndState({ worker, historyError }: Pick<WorkerHealthRowProps, 'worker' | 'historyError'>) {
  const name = worker.name;
  return (
    <>
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
    </>
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
  const series = healthSeries(samples, worker.totalMemoryBytes);
  const usedPercent = memoryUsedPercent(worker.freeMemoryBytes, worker.totalMemoryBytes);
  const name = worker.name;
  const common = { name, nowMs };
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
      <NameAndState worker={worker} historyError={historyError} />
      <Metric
        {...common}
        kind="cpu"
        title="CPU"
        text={formatPercent(worker.cpuPercent) || 'no report'}
        points={series.cpu}
        max={100}
        color="info.main"
      />
      <Metric
        {...common}
        kind="memory"
        title="Memory"
        text={
          usedPercent !== null
            ? `${usedPercent.toFixed(0)} % used`
            : formatBytes(worker.freeMemoryBytes) || 'no report'
        }
        points={series.memory}
        max={series.memoryMax}
        color="secondary.main"
      />
      <Metric
        {...common}
        kind="disk"
        title="Free disk"
        text={worker.freeDiskBytes !== null ? `${formatBytes(worker.freeDiskBytes)} free` : 'no report'}
        points={series.disk}
        max={series.diskMax}
        color="warning.main"
      />
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
