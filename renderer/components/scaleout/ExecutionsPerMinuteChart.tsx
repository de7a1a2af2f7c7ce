import Box from '@mui/material/Box';
import { useTheme } from '@mui/material/styles';
import Typography from '@mui/material/Typography';
import { LineChart } from '@mui/x-charts/LineChart';
import { useMemo } from 'react';
import { hourTotals, perMinuteSeries } from '../../state/dashboardView';
import type { Dashboard } from '../../state/dashboardView';

/** Executions started, succeeded and failed per minute over the last hour. */
export function ExecutionsPerMinuteChart({ perMinute }: { perMinute: Dashboard['executionsPerMinute'] }) {
  const theme = useTheme();
  // CSS variables follow the light or dark scheme without a re-render.
  const palette = (theme.vars ?? theme).palette;
  const series = useMemo(() => perMinuteSeries(perMinute), [perMinute]);
  const totals = hourTotals(perMinute);
  const caption = `Last hour: ${totals.started} started, ${totals.succeeded} succeeded, ${totals.failed} failed`;
  return (
    <Box sx={{ minWidth: 280, flex: 1 }} data-testid="dashboard-chart">
      <Typography variant="caption" color="text.secondary" data-testid="dashboard-hour-totals">
        {caption}
      </Typography>
      <LineChart
        height={130}
        skipAnimation
        margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
        xAxis={[
          {
            scaleType: 'point',
            data: series.labels,
            tickLabelInterval: (_value, index) => index % 10 === 0,
          },
        ]}
        yAxis={[{ min: 0, tickMinStep: 1, width: 28 }]}
        series={[
          { data: series.started, label: 'Started', color: palette.info.main, showMark: false },
          { data: series.succeeded, label: 'Succeeded', color: palette.success.main, showMark: false },
          { data: series.failed, label: 'Failed', color: palette.error.main, showMark: false },
        ]}
        aria-label={caption}
      />
    </Box>
  );
}
