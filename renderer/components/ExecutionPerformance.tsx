import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import type { ExecutionRow } from '../../master-core/protocol/api';
import { useExecutionStatistics } from '../hooks/useExecutionStatistics';
import { formatDuration } from '../state/displayFormat';
import { dataFlowRows, timelineOf } from '../state/statisticsLayout';

const RESULT_COLORS: Record<string, string> = {
  Success: 'success.main',
  Failure: 'error.main',
  Completion: 'info.main',
  Cancelled: 'warning.main',
};

/**
 * The Performance page of an execution: every task and container run as a bar on one time axis,
 * and for Data Flow tasks the rows sent along each path and where the time went.
 */
export function ExecutionPerformance({ execution }: { execution: ExecutionRow }) {
  const { statistics, dataStatistics, error, loading } = useExecutionStatistics(
    execution.executionId,
    `${execution.status}:${execution.attempts}`,
  );
  const timeline = timelineOf(statistics);
  const flow = dataFlowRows(dataStatistics);
  const id = execution.executionId;

  return (
    <Box sx={{ overflow: 'auto', height: '100%', p: 1 }} data-testid={`performance-${id}`}>
      {error && <Alert severity="error">{error}</Alert>}
      {!loading && !error && timeline.bars.length === 0 && (
        <Typography color="text.secondary" sx={{ p: 1 }}>
          No task has finished yet: statistics are recorded when an attempt ends.
        </Typography>
      )}
      {timeline.bars.length > 0 && (
        <>
          <Typography variant="subtitle2">{`Tasks and containers (${formatDuration(timeline.spanMs)} in all)`}</Typography>
          <Box role="list" aria-label="task durations" sx={{ mb: 2 }}>
            {timeline.bars.map((bar) => (
              <Box
                key={bar.key}
                role="listitem"
                data-testid={`timeline-${bar.path}`}
                sx={{ display: 'flex', alignItems: 'center', gap: 1, height: 22 }}
              >
                <Tooltip title={`${bar.path} (attempt ${bar.attemptNumber})`}>
                  <Typography variant="body2" noWrap sx={{ width: 240, flexShrink: 0, pl: bar.depth * 1.5 }}>
                    {bar.label}
                  </Typography>
                </Tooltip>
                <Box
                  sx={{
                    position: 'relative',
                    flex: 1,
                    height: 12,
                    bgcolor: 'action.hover',
                    borderRadius: 0.5,
                  }}
                >
                  <Box
                    sx={{
                      position: 'absolute',
                      left: `${bar.leftPercent}%`,
                      width: `${bar.widthPercent}%`,
                      top: 0,
                      bottom: 0,
                      borderRadius: 0.5,
                      bgcolor: RESULT_COLORS[bar.result] ?? 'text.disabled',
                    }}
                  />
                </Box>
                <Typography variant="body2" sx={{ width: 150, flexShrink: 0, textAlign: 'right' }}>
                  {`${formatDuration(bar.durationMs)} · ${bar.result}`}
                </Typography>
              </Box>
            ))}
          </Box>
        </>
      )}
      {flow.paths.length > 0 && (
        <>
          <Typography variant="subtitle2">Data Flow: rows per path</Typography>
          <Table size="small" data-testid={`dataflow-paths-${id}`} sx={{ mb: 2 }}>
            <TableHead>
              <TableRow>
                <TableCell>Attempt</TableCell>
                <TableCell>Task</TableCell>
                <TableCell>Path</TableCell>
                <TableCell align="right">Rows</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {flow.paths.map((p) => (
                <TableRow key={p.id}>
                  <TableCell>{p.attemptNumber}</TableCell>
                  <TableCell>{p.taskPath}</TableCell>
                  <TableCell>{p.path}</TableCell>
                  <TableCell align="right">{p.rows.toLocaleString('en-US')}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <Typography variant="subtitle2">Data Flow: time in each component</Typography>
          <Table size="small" data-testid={`dataflow-components-${id}`}>
            <TableHead>
              <TableRow>
                <TableCell>Attempt</TableCell>
                <TableCell>Task</TableCell>
                <TableCell>Component</TableCell>
                <TableCell align="right">Own time</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {flow.components.map((c) => (
                <TableRow key={c.id}>
                  <TableCell>{c.attemptNumber}</TableCell>
                  <TableCell>{c.taskPath}</TableCell>
                  <TableCell>{c.component}</TableCell>
                  <TableCell align="right">{formatDuration(c.elapsedMs)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </>
      )}
    </Box>
  );
}
