/** Object Explorer's width: kept within sensible bounds and remembered between visits. */

export const DEFAULT_PANE_WIDTH = 320;
export const MIN_PANE_WIDTH = 200;
export const MAX_PANE_WIDTH = 700;
export const PANE_WIDTH_KEY = 'scaleout.explorerWidth';

export function clampPaneWidth(width: number): number {
  return Math.round(Math.min(MAX_PANE_WIDTH, Math.max(MIN_PANE_WIDTH, width)));
}

/** The stored width, or the default when nothing (or nonsense) is stored. */
export function parsePaneWidth(stored: string | null): number {
  const width = stored === null || stored.trim() === '' ? Number.NaN : Number(stored);
  return Number.isFinite(width) ? clampPaneWidth(width) : DEFAULT_PANE_WIDTH;
}
