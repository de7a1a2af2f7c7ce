import Box from '@mui/material/Box';
import { memo } from 'react';
import { sparklineSegments } from '../../state/sparkline';
import type { SparklineFrame, SparklinePoint } from '../../state/sparkline';

interface SparklineProps {
  points: readonly SparklinePoint[];
  frame: SparklineFrame;
  /** A theme palette token ("primary.main"): the line follows the light or dark scheme. */
  color: string;
  /** What the line shows, for screen readers ("CPU over the last 10 minutes"). */
  label: string;
  testId?: string;
}

/**
 * A tiny SVG line. Plain polylines rather than an x-charts SparkLineChart: the health view shows
 * three per worker for dozens of rows at once, and a chart each (own store, axes, tooltip) costs
 * far more than a few points.
 */
export const Sparkline = memo(function Sparkline({ points, frame, color, label, testId }: SparklineProps) {
  const segments = sparklineSegments(points, frame);
  return (
    <Box
      component="svg"
      role="img"
      aria-label={label}
      data-testid={testId}
      data-points={points.filter((p) => p.value !== null).length}
      viewBox={`0 0 ${frame.width} ${frame.height}`}
      width={frame.width}
      height={frame.height}
      sx={{ color, display: 'block', overflow: 'visible', flexShrink: 0 }}
    >
      <Box
        component="line"
        x1={0}
        x2={frame.width}
        y1={frame.height}
        y2={frame.height}
        sx={{ stroke: (t) => t.palette.divider }}
        strokeWidth={1}
      />
      {segments.map((pointsText, i) => (
        <polyline
          key={i}
          points={pointsText}
          fill="none"
          stroke="currentColor"
          strokeWidth={1.5}
          strokeLinejoin="round"
          vectorEffect="non-scaling-stroke"
        />
      ))}
    </Box>
  );
});
