import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

// Component tests run in jsdom; unmount between tests so screens do not leak timers or listeners.
afterEach(() => cleanup());

// jsdom has no layout: MUI X grids and charts ask for these.
if (typeof window !== 'undefined') {
  window.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
  window.matchMedia ??= ((query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addListener() {},
    removeListener() {},
    addEventListener() {},
    removeEventListener() {},
    dispatchEvent: () => false,
  })) as unknown as typeof window.matchMedia;
}
