/**
 * Conditional Split: each row goes to the output of the first condition that is true, or to the
 * default output. A condition must give a Boolean; NULL counts as false (as in SSIS). A condition
 * that fails (an expression error, or a value that is not a Boolean) follows the error disposition:
 * FailComponent fails the component, RedirectRow sends the row to the Error output, IgnoreFailure
 * counts the condition as false and goes on with the next one.
 */
import type { ComponentOf } from '../../../../master-core/protocol/dataFlowFormat';
import { kindOf } from '../../expressions';
import type { ComponentFactory, Row } from '../types';
import { ROW_ERROR_CODES, RowError } from '../types';
import { asRowError, createRowErrors, errorRow } from './rowErrors';

export const createConditionalSplit: ComponentFactory<ComponentOf<'conditionalSplit'>> = (
  definition,
  context,
) => {
  const conditions = definition.conditions.map((c) => ({
    output: c.output,
    source: c.condition,
    evaluate: context.compile(c.condition, 'Input'),
  }));
  const outputs = [...conditions.map((c) => c.output), definition.defaultOutput];
  const errors = createRowErrors(context, definition.errorDisposition);

  /** Whether the condition holds for the row; a RowError when it cannot say. */
  function holds(condition: (typeof conditions)[number], row: Row): boolean | RowError {
    try {
      const value = condition.evaluate(row);
      if (value === null) return false;
      if (typeof value === 'boolean') return value;
      return new RowError(
        `the condition of output ${condition.output} (${JSON.stringify(condition.source)}) gives ${kindOf(value)}, not a Boolean`,
        ROW_ERROR_CODES.expression,
        '',
      );
    } catch (error) {
      return asRowError(error, '', `the condition of output ${condition.output}`);
    }
  }

  /** The output index (into `outputs`) of a row, or the RowError redirecting it. */
  function route(row: Row): number | RowError {
    for (let i = 0; i < conditions.length; i++) {
      const result = holds(conditions[i]!, row);
      if (result === true) return i;
      if (result === false) continue;
      const redirected = errors.handle(result);
      if (redirected) return redirected;
    }
    return conditions.length;
  }

  return {
    async receive(_input, rows) {
      const routed: Row[][] = outputs.map(() => []);
      const bad: Row[] = [];
      for (const row of rows) {
        const target = route(row);
        if (target instanceof RowError) bad.push(errorRow(row, target));
        else routed[target]!.push(row);
      }
      for (let i = 0; i < outputs.length; i++)
        if (routed[i]!.length > 0 && context.isConnected(outputs[i]!))
          await context.emit(outputs[i]!, routed[i]!);
      await errors.redirect(bad);
    },
  };
};
