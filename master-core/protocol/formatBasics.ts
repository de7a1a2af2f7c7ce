/** Schema pieces shared by the package format and the Data Flow format. */
import { z } from 'zod';

/** Names of objects: tasks, parameters, variables, connection managers, components. */
export const ObjectName = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(
    /^[A-Za-z_][A-Za-z0-9_ .-]*$/,
    'must start with a letter or _ and use letters, digits, _ . - or space',
  );

/** An expression in the package expression language (docs/packages.md). */
export const Expression = z.string().min(1, 'must hold an expression').max(16_000);

/** A variable reference such as User::Counter. */
export const VariableRef = z
  .string()
  .regex(/^User::[A-Za-z_][A-Za-z0-9_ .-]*$/, 'must name a user variable, e.g. User::Counter');
