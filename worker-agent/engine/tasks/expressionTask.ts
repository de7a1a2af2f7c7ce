import type { ExpressionTask } from '../../../master-core/protocol/packageFormat';
import { textOf } from '../expressions';
import type { TaskRunner } from '../taskApi';
import { parsedExpression } from '../expressions';

/** Expression task: evaluates an assignment such as @[User::Count] = @[User::Count] + 1. */
export const runExpressionTask: TaskRunner<ExpressionTask> = async (task, context) => {
  const parsed = parsedExpression(task.expression, true);
  const value = context.evaluate(task.expression.slice(task.expression.indexOf('=') + 1).trim());
  context.setVariable(parsed.target!, value);
  context.log.information(`${parsed.target} = ${textOf(context.getVariable(parsed.target!))}`);
};
