import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import LinearProgress from '@mui/material/LinearProgress';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';
import type { DashboardState } from '../../hooks/useDashboard';
import { useNow } from '../../hooks/useNow';
import { formatUptime, uptimeNow, workerTotal } from '../../state/dashboardView';
import { formatTime } from '../../state/displayFormat';
import { ALL_WORKER_STATES, workerStateColor, workerStateLabel } from '../../state/workerStateDisplay';
import { CopyButton } from './CopyButton';
import { ExecutionsPerMinuteChart } from './ExecutionsPerMinuteChart';

function Tile({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <Paper variant="outlined" sx={{ p: 1, minWidth: 0 }} data-testid={testId}>
      <Typography variant="caption" color="text.secondary" component="h3">
        {title}
      </Typography>
      {children}
    </Paper>
  );
}

function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <Box>
      <Typography variant="h6" component="p" data-testid={testId} sx={{ lineHeight: 1.2 }}>
        {value}
      </Typography>
      <Typography variant="caption" color="text.secondary">
        {label}
      </Typography>
    </Box>
  );
}

function MasterTile({ info }: { info: NonNullable<DashboardState['info']> }) {
  const endpoint = info.advertisedAgentUrl || info.agentUrl;
  return (
    <Tile title="Master" testId="dashboard-master">
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
        <Typography variant="body2" sx={{ fontFamily: 'monospace' }} data-testid="dashboard-endpoint">
          {endpoint}
        </Typography>
        <CopyButton text={endpoint} label="Copy the agent endpoint" testId="dashboard-copy-endpoint" />
        <Chip
          label={info.agentTls ? 'TLS on' : 'TLS off'}
          color={info.agentTls ? 'success' : 'warning'}
          data-testid="dashboard-tls"
          data-tls={String(info.agentTls)}
          sx={{ height: 20, fontSize: 12 }}
        />
      </Box>
      {!info.agentTls && (
        <Alert severity="warning" sx={{ mt: 0.5, py: 0 }} data-testid="dashboard-tls-warning">
          The agent endpoint is not encrypted (--insecure-agent-endpoint): workers and the master talk in
          clear text, and workers cannot check who they talk to.
        </Alert>
      )}
      {info.caFingerprint && (
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 0.5, minWidth: 0 }}>
          <Typography variant="caption" color="text.secondary" sx={{ flexShrink: 0 }}>
            CA fingerprint (SHA-256)
          </Typography>
          <Typography
            variant="caption"
            sx={{ fontFamily: 'monospace', overflowWrap: 'anywhere', userSelect: 'all' }}
            data-testid="dashboard-ca-fingerprint"
          >
            {info.caFingerprint}
          </Typography>
          <CopyButton
            text={info.caFingerprint}
            label="Copy the CA fingerprint"
            testId="dashboard-copy-fingerprint"
          />
        </Box>
      )}
      {info.pendingCaFingerprint && (
        <Typography variant="caption" color="warning.main" component="p" data-testid="dashboard-ca-rotation">
          CA rotation: workers also pin {info.pendingCaFingerprint}
          {info.caSwitchAt ? `; the endpoint switches to it at ${formatTime(info.caSwitchAt)}` : ''}
        </Typography>
      )}
    </Tile>
  );
}

/** Scale Out Manager's dashboard: the master, its uptime, the workers by state, the queue and the last hour. */
export function ScaleOutDashboard({ state }: { state: DashboardState }) {
  const nowMs = useNow(1000);
  const { dashboard, info, loaded, error } = state;
  return (
    <Box sx={{ p: 1, display: 'flex', flexDirection: 'column', gap: 1 }} data-testid="dashboard">
      {!loaded && <LinearProgress aria-label="Loading the dashboard" data-testid="dashboard-loading" />}
      {error && (
        <Alert severity="error" data-testid="dashboard-error">
          {error}
        </Alert>
      )}
      <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(260px, 1fr))', gap: 1 }}>
        {info && <MasterTile info={info} />}
        {dashboard && (
          <Tile title="Work">
            <Box sx={{ display: 'flex', gap: 3 }}>
              <Figure
                label="Uptime"
                value={formatUptime(uptimeNow(dashboard, state.fetchedAtMs, nowMs))}
                testId="dashboard-uptime"
              />
              <Figure label="Queued" value={String(dashboard.queueDepth)} testId="dashboard-queue" />
              <Figure label="Running" value={String(dashboard.running)} testId="dashboard-running" />
            </Box>
          </Tile>
        )}
        {dashboard && (
          <Tile title={`Workers (${workerTotal(dashboard.workersByState)})`} testId="dashboard-workers">
            <Box sx={{ display: 'flex', gap: 0.5, flexWrap: 'wrap', mt: 0.5 }}>
              {ALL_WORKER_STATES.map((s) => {
                const count = dashboard.workersByState[s] ?? 0;
                return (
                  <Chip
                    key={s}
                    label={`${workerStateLabel(s)} ${count}`}
                    color={count > 0 ? workerStateColor(s) : 'default'}
                    variant={count > 0 ? 'filled' : 'outlined'}
                    data-testid={`dashboard-workers-${s}`}
                    data-count={count}
                    sx={{ height: 20, fontSize: 12 }}
                  />
                );
              })}
            </Box>
          </Tile>
        )}
      </Box>
      {dashboard && <ExecutionsPerMinuteChart perMinute={dashboard.executionsPerMinute} />}
    </Box>
  );
}
