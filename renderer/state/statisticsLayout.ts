/**
 * The Performance page of an execution: each executable run as a bar on one time axis (a Gantt
 * chart in text and boxes), and the rows a Data Flow sent along each path. Pure: the component
 * only draws what these functions return.
 */
import type { DataStatisticRow, StatisticRow } from '../../master-core/protocol/api';

export const RESULT_NAMES: Record<number, string> = {
  0: 'Success',
  1: 'Failure',
  2: 'Completion',
  3: 'Cancelled',
};

export interface TimelineBar {
  key: string;
  attemptNumber: number;
  /** SSIS package path, e.g. \Package\Load\Import. */
  path: string;
  /** Nesting depth, from the number of path segments (the package is 0). */
  depth: number;
  label: string;
  /** Where the bar starts and how wide it is, in percent of the axis. */
  leftPercent: number;
  widthPercent: number;
  durationMs: number;
  result: string;
}

export interface Timeline {
  bars: TimelineBar[];
  /** The axis: from the first start to the last end, in ms. */
  spanMs: number;
}

/** Bars ordered by attempt, then start time, then path (a container before what it holds). */
export function timelineOf(statistics: readonly StatisticRow[]): Timeline {
  if (statistics.length === 0) return { bars: [], spanMs: 0 };
  const starts = statistics.map((s) => Date.parse(s.startTime));
  const ends = statistics.map((s) => Date.parse(s.endTime));
  const min = Math.min(...starts);
  const span = Math.max(1, Math.max(...ends) - min);
  const bars = statistics.map((s, i): TimelineBar => {
    const segments = s.executionPath.split('\\').filter(Boolean);
    const left = ((starts[i]! - min) / span) * 100;
    return {
      key: `${s.attemptNumber}:${i}`,
      attemptNumber: s.attemptNumber,
      path: s.executionPath,
      depth: Math.max(0, segments.length - 1),
      label: segments.at(-1) ?? s.taskName,
      leftPercent: left,
      // A run too short to see still gets a sliver.
      widthPercent: Math.max(0.5, Math.min(100 - left, (s.durationMs / span) * 100)),
      durationMs: s.durationMs,
      result: RESULT_NAMES[s.executionResult] ?? String(s.executionResult),
    };
  });
  bars.sort(
    (a, b) =>
      a.attemptNumber - b.attemptNumber ||
      a.leftPercent - b.leftPercent ||
      a.depth - b.depth ||
      a.path.localeCompare(b.path),
  );
  return { bars, spanMs: span };
}

export interface DataPathRow {
  id: string;
  attemptNumber: number;
  taskPath: string;
  /** "Source.Output -> Destination.Input" */
  path: string;
  rows: number;
}

export interface ComponentTimeRow {
  id: string;
  attemptNumber: number;
  taskPath: string;
  component: string;
  elapsedMs: number;
}

/** Splits data statistics into rows per path and component times. */
export function dataFlowRows(statistics: readonly DataStatisticRow[]): {
  paths: DataPathRow[];
  components: ComponentTimeRow[];
} {
  const paths: DataPathRow[] = [];
  const components: ComponentTimeRow[] = [];
  statistics.forEach((s, i) => {
    if (s.rowsSent !== null)
      paths.push({
        id: `p${i}`,
        attemptNumber: s.attemptNumber,
        taskPath: s.taskPath,
        path: s.name,
        rows: s.rowsSent,
      });
    else if (s.elapsedMs !== null)
      components.push({
        id: `c${i}`,
        attemptNumber: s.attemptNumber,
        taskPath: s.taskPath,
        component: s.name,
        elapsedMs: s.elapsedMs,
      });
  });
  components.sort((a, b) => b.elapsedMs - a.elapsedMs);
  return { paths, components };
}
