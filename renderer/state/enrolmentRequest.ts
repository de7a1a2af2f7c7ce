import type { ApiInput } from '../../master-core/protocol/api';
import { normalizeTags, tagsProblem } from './workerEdit';

/** Add worker: the enrolment token form and its worker.enrolmentToken.create input. */

export const EXPIRY_CHOICES = [
  { seconds: 15 * 60, label: '15 minutes' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 8 * 3600, label: '8 hours' },
  { seconds: 86_400, label: '1 day' },
  { seconds: 7 * 86_400, label: '7 days' },
  { seconds: 30 * 86_400, label: '30 days' },
] as const;

export const DEFAULT_EXPIRY_SECONDS = 3600;

export interface EnrolmentForm {
  /** Preset display name; empty lets the worker name itself. */
  name: string;
  tags: string[];
  expiresInSeconds: number;
}

export const initialEnrolmentForm: EnrolmentForm = {
  name: '',
  tags: [],
  expiresInSeconds: DEFAULT_EXPIRY_SECONDS,
};

export type EnrolmentErrors = Partial<Record<keyof EnrolmentForm, string>>;

export function enrolmentTokenInput(
  form: EnrolmentForm,
): { ok: true; input: ApiInput<'worker.enrolmentToken.create'> } | { ok: false; errors: EnrolmentErrors } {
  const errors: EnrolmentErrors = {};
  const name = form.name.trim();
  if (name.length > 256) errors.name = 'Preset name: at most 256 characters';
  const tags = normalizeTags(form.tags);
  const tagError = tagsProblem(tags);
  if (tagError) errors.tags = `Preset tags: ${tagError}`;
  if (
    !Number.isInteger(form.expiresInSeconds) ||
    form.expiresInSeconds < 60 ||
    form.expiresInSeconds > 30 * 86_400
  )
    errors.expiresInSeconds = 'Expires in: between 1 minute and 30 days';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    input: {
      expiresInSeconds: form.expiresInSeconds,
      ...(name ? { name } : {}),
      ...(tags.length > 0 ? { tags } : {}),
    },
  };
}
