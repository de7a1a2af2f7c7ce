import { describe, expect, it } from 'vitest';
import { editFieldForApiError, editFormFor, normalizeTags, workerUpdateInput } from './workerEdit';
import { workerRow } from './workerFixture';

const worker = workerRow({
  name: 'etl-01',
  description: 'first',
  tags: ['etl'],
  maxTasks: 4,
  maxCpuPercent: 90,
  minFreeMemoryBytes: 512 * 2 ** 20,
});

describe('workerEdit', () => {
  it('fills the form from the worker, memory in MiB', () => {
    expect(editFormFor(worker)).toEqual({
      name: 'etl-01',
      description: 'first',
      tags: ['etl'],
      maxTasks: '4',
      maxCpuPercent: '90',
      minFreeMemoryMiB: '512',
    });
  });

  it('sends nothing but the name when nothing changed', () => {
    expect(workerUpdateInput(worker, editFormFor(worker))).toEqual({
      ok: true,
      input: { name: 'etl-01' },
      changed: false,
    });
  });

  it('sends only what changed, memory back in bytes', () => {
    const form = {
      ...editFormFor(worker),
      name: ' etl-02 ',
      tags: ['etl', ' gpu ', 'etl'],
      maxTasks: '8',
      minFreeMemoryMiB: '1024',
    };
    expect(workerUpdateInput(worker, form)).toEqual({
      ok: true,
      changed: true,
      input: {
        name: 'etl-01',
        newName: 'etl-02',
        tags: ['etl', 'gpu'],
        maxTasks: 8,
        minFreeMemoryBytes: 1024 * 2 ** 20,
      },
    });
  });

  it('keeps exact bytes the form can only show rounded', () => {
    const odd = workerRow({ minFreeMemoryBytes: 1000 });
    expect(workerUpdateInput(odd, editFormFor(odd))).toMatchObject({ changed: false });
  });

  it('names every bad field', () => {
    const form = {
      ...editFormFor(worker),
      name: '  ',
      maxTasks: '2.5',
      maxCpuPercent: '150',
      minFreeMemoryMiB: 'lots',
      tags: ['x'.repeat(65)],
    };
    expect(workerUpdateInput(worker, form)).toEqual({
      ok: false,
      errors: {
        name: 'Display name is required',
        maxTasks: 'Max tasks: must be a whole number',
        maxCpuPercent: 'Max CPU %: must be between 1 and 100',
        minFreeMemoryMiB: 'Min free memory (MiB): "lots" is not a number',
        tags: expect.stringContaining('longer than 64 characters'),
      },
    });
    expect(workerUpdateInput(worker, { ...editFormFor(worker), maxTasks: '' })).toMatchObject({
      errors: { maxTasks: 'Max tasks: required' },
    });
  });

  it('normalizes tags and maps the master’s field names to the form', () => {
    expect(normalizeTags([' a', 'b', '', 'a '])).toEqual(['a', 'b']);
    expect(editFieldForApiError('newName')).toBe('name');
    expect(editFieldForApiError('tags.3')).toBe('tags');
    expect(editFieldForApiError('minFreeMemoryBytes')).toBe('minFreeMemoryMiB');
    expect(editFieldForApiError(undefined)).toBeUndefined();
  });
});
