/** The geometry of a sparkline: a polyline through values on a fixed time window. */

export interface SparklinePoint {
  timeMs: number;
  value: number | null;
}

export interface SparklineFrame {
  width: number;
  height: number;
  startMs: number;
  endMs: number;
  /** The value scale; values outside it are clamped to the edge. */
  min: number;
  max: number;
}

const round = (n: number) => Math.round(n * 10) / 10;

/**
 * SVG polyline "x,y" lists, one per run of known values (a null value breaks the line, so a gap
 * in reporting shows as a gap). Time runs left to right over the frame; larger values sit higher.
 */
export function sparklineSegments(points: readonly SparklinePoint[], frame: SparklineFrame): string[] {
  const { width, height, startMs, endMs, min, max } = frame;
  const span = Math.max(1, endMs - startMs);
  const range = max - min || 1;
  const segments: string[] = [];
  let current: string[] = [];
  for (const p of points) {
    if (p.value === null || p.timeMs < startMs || p.timeMs > endMs) {
      if (current.length > 0) segments.push(current.join(' '));
      current = [];
      continue;
    }
    const clamped = Math.min(max, Math.max(min, p.value));
    const x = ((p.timeMs - startMs) / span) * width;
    const y = height - ((clamped - min) / range) * height;
    current.push(`${round(x)},${round(y)}`);
  }
  if (current.length > 0) segments.push(current.join(' '));
  return segments;
}
