import Tooltip from '@mui/material/Tooltip';
import type { ReactElement } from 'react';

/**
 * Says why a control is disabled: with a reason, the (disabled) child gets a tooltip on a focusable
 * wrapper, since a disabled button hears no pointer or focus itself; without one, the child as is.
 */
export function WhyNot({ reason, children }: { reason: string; children: ReactElement }) {
  if (!reason) return children;
  return (
    <Tooltip title={reason}>
      <span tabIndex={0} aria-label={reason} data-why-not={reason} style={{ display: 'inline-flex' }}>
        {children}
      </span>
    </Tooltip>
  );
}
