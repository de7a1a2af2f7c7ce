import { describe, expect, it } from 'vitest';
import { enrolmentTokenInput, initialEnrolmentForm } from './enrolmentRequest';

describe('enrolmentTokenInput', () => {
  it('asks for a one-hour token with no presets by default', () => {
    expect(enrolmentTokenInput(initialEnrolmentForm)).toEqual({
      ok: true,
      input: { expiresInSeconds: 3600 },
    });
  });

  it('sends the preset name and cleaned tags', () => {
    expect(
      enrolmentTokenInput({ name: ' etl-09 ', tags: ['etl', ' etl', 'gpu'], expiresInSeconds: 86_400 }),
    ).toEqual({
      ok: true,
      input: { expiresInSeconds: 86_400, name: 'etl-09', tags: ['etl', 'gpu'] },
    });
  });

  it('names the bad fields', () => {
    expect(enrolmentTokenInput({ name: 'n'.repeat(257), tags: [], expiresInSeconds: 10 })).toEqual({
      ok: false,
      errors: {
        name: 'Preset name: at most 256 characters',
        expiresInSeconds: 'Expires in: between 1 minute and 30 days',
      },
    });
  });
});
