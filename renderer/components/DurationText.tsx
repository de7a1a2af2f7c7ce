import { useEffect, useState } from 'react';
import { durationMs, formatDuration } from '../state/displayFormat';

interface DurationTextProps {
  startedAt: string | null;
  endedAt: string | null;
}

/** An execution's duration; while it runs, it counts up once a second. */
export function DurationText({ startedAt, endedAt }: DurationTextProps) {
  const running = startedAt !== null && endedAt === null;
  const [nowMs, setNowMs] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNowMs(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  return <>{formatDuration(durationMs(startedAt, endedAt, nowMs))}</>;
}
