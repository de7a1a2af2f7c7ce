import Box from '@mui/material/Box';
import { useRef } from 'react';
import type { PointerEvent } from 'react';
import { clampPaneWidth } from '../state/paneWidth';

interface SplitterProps {
  width: number;
  onResize: (width: number) => void;
}

/** The bar between Object Explorer and the documents; drag it to resize the explorer. */
export function Splitter({ width, onResize }: SplitterProps) {
  const drag = useRef<{ startX: number; startWidth: number } | null>(null);

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { startX: event.clientX, startWidth: width };
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (drag.current) onResize(clampPaneWidth(drag.current.startWidth + event.clientX - drag.current.startX));
  };
  const onPointerUp = () => {
    drag.current = null;
  };

  return (
    <Box
      role="separator"
      aria-orientation="vertical"
      aria-label="Resize Object Explorer"
      aria-valuenow={width}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onKeyDown={(e) => {
        if (e.key === 'ArrowLeft') onResize(clampPaneWidth(width - 16));
        if (e.key === 'ArrowRight') onResize(clampPaneWidth(width + 16));
      }}
      sx={{
        width: 5,
        flexShrink: 0,
        cursor: 'col-resize',
        bgcolor: 'divider',
        '&:hover, &:focus-visible': { bgcolor: 'primary.light', outline: 'none' },
      }}
    />
  );
}
