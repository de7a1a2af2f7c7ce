import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import ButtonBase from '@mui/material/ButtonBase';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { Fragment, useEffect, useState } from 'react';
import { useExecutionAttempts } from '../../hooks/useExecutionAttempts';
import { layoutAttempts, OUTCOMES } from '../../state/attemptsTimeline';
import { formatDuration, formatTime } from '../../state/displayFormat';

/**
 * An execution's attempts on one time axis: one bar per attempt, coloured and labelled by how it
 * ended, with its worker. Hover a bar for its error; click it (or press Enter) to keep the error shown.
 */
export function AttemptsTimeline({ executionId }: { executionId: number }) {
  const { attempts, loaded, error } = useExecutionAttempts(executionId);
  const [openError, setOpenError] = useState<number | null>(null);
  const running = attempts.some((a) => a.endedAt === null);
  const [nowMs, setNowMs] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNowMs(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  const axis = layoutAttempts(attempts, running ? nowMs : Date.now());

  return (
    <Box sx={{ px: 1.5, pb: 1 }} data-testid={`attempts-${executionId}`}>
      <Typography variant="caption" color="text.secondary" component="div">
        Attempts
      </Typography>
      {error && (
        <Alert severity="error" sx={{ mt: 0.5 }}>
          {`Attempts could not be loaded: ${error}`}
        </Alert>
      )}
      {loaded && !error && !axis && (
        <Typography variant="body2" color="text.secondary">
          No attempt yet: it has not been given to a worker.
        </Typography>
      )}
      {axis && (
        <Box
          sx={{
            display: 'grid',
            gridTemplateColumns: 'minmax(120px, max-content) 1fr minmax(150px, max-content)',
            alignItems: 'center',
            columnGap: 1,
            rowGap: 0.5,
            maxHeight: 180,
            overflowY: 'auto',
          }}
        >
          {axis.bars.map(({ attempt, leftPercent, widthPercent, durationMs }) => {
            const n = attempt.attemptNumber;
            const outcome = OUTCOMES[attempt.outcome];
            const worker = attempt.workerName ?? attempt.machineName ?? attempt.workerId;
            const summary = `Attempt ${n} on ${worker}: ${outcome.label}, ${formatDuration(durationMs)}`;
            const errorShown = openError === n && attempt.error;
            return (
              <Fragment key={n}>
                <Typography variant="body2" noWrap title={worker}>
                  {`#${n} ${worker}`}
                </Typography>
                <Box sx={{ position: 'relative', height: 16, bgcolor: 'action.hover', borderRadius: 0.5 }}>
                  <Tooltip title={attempt.error ?? `${outcome.label}: ${outcome.hint}`}>
                    <ButtonBase
                      aria-label={summary}
                      aria-expanded={attempt.error ? openError === n : undefined}
                      onClick={() => setOpenError((o) => (o === n ? null : n))}
                      data-testid={`attempt-${executionId}-${n}`}
                      data-outcome={attempt.outcome}
                      sx={{
                        position: 'absolute',
                        top: 0,
                        bottom: 0,
                        left: `${leftPercent}%`,
                        width: `max(${widthPercent}%, 4px)`,
                        bgcolor: `${outcome.color}.main`,
                        borderRadius: 0.5,
                        '&.Mui-focusVisible': {
                          outline: 2,
                          outlineColor: 'text.primary',
                          outlineStyle: 'solid',
                        },
                      }}
                    />
                  </Tooltip>
                </Box>
                <Typography
                  variant="body2"
                  sx={{ color: `${outcome.color}.main`, fontWeight: 600 }}
                  data-testid={`attempt-outcome-${executionId}-${n}`}
                >
                  {outcome.label}
                  <Typography component="span" variant="body2" color="text.secondary" sx={{ ml: 1 }}>
                    {formatDuration(durationMs)}
                  </Typography>
                </Typography>
                {errorShown && (
                  <Typography
                    variant="body2"
                    color="error"
                    sx={{ gridColumn: '2 / 4', whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}
                    data-testid={`attempt-error-${executionId}-${n}`}
                  >
                    {attempt.error}
                  </Typography>
                )}
              </Fragment>
            );
          })}
          <Box />
          <Box sx={{ display: 'flex', justifyContent: 'space-between' }}>
            <Typography variant="caption" color="text.secondary">
              {formatTime(new Date(axis.startMs).toISOString())}
            </Typography>
            <Typography variant="caption" color="text.secondary">
              {running ? 'now' : formatTime(new Date(axis.endMs).toISOString())}
            </Typography>
          </Box>
        </Box>
      )}
    </Box>
  );
}
