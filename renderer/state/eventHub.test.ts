import { describe, expect, it } from 'vitest';
import { createEventHub } from './eventHub';
import type { HubMessage } from './eventHub';

describe('createEventHub', () => {
  it('delivers to every listener even when one throws', () => {
    const errors: unknown[] = [];
    const hub = createEventHub((e) => errors.push(e));
    const heard: HubMessage[] = [];
    hub.listen(() => {
      throw new Error('boom');
    });
    hub.listen((m) => heard.push(m));
    hub.emit({ kind: 'event', event: { type: 'catalog:changed' } });
    expect(heard).toEqual([{ kind: 'event', event: { type: 'catalog:changed' } }]);
    expect(errors).toHaveLength(1);
  });

  it('stops delivering after unlisten', () => {
    const hub = createEventHub();
    const heard: HubMessage[] = [];
    const stop = hub.listen((m) => heard.push(m));
    stop();
    hub.emit({ kind: 'status', connected: true });
    expect(heard).toEqual([]);
  });
});
