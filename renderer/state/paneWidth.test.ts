import { describe, expect, it } from 'vitest';
import {
  clampPaneWidth,
  DEFAULT_PANE_WIDTH,
  MAX_PANE_WIDTH,
  MIN_PANE_WIDTH,
  parsePaneWidth,
} from './paneWidth';

describe('paneWidth', () => {
  it('clamps and rounds', () => {
    expect(clampPaneWidth(10)).toBe(MIN_PANE_WIDTH);
    expect(clampPaneWidth(5000)).toBe(MAX_PANE_WIDTH);
    expect(clampPaneWidth(333.6)).toBe(334);
  });

  it('reads a stored width, else the default', () => {
    expect(parsePaneWidth('400')).toBe(400);
    expect(parsePaneWidth(null)).toBe(DEFAULT_PANE_WIDTH);
    expect(parsePaneWidth('wide')).toBe(DEFAULT_PANE_WIDTH);
    expect(parsePaneWidth('')).toBe(DEFAULT_PANE_WIDTH);
  });
});
