import type { TaskDef } from '../../../master-core/protocol/packageFormat';
import type { TaskRunner } from '../taskApi';
import { runExecuteSqlTask } from './executeSqlTask';
import { runExpressionTask } from './expressionTask';
import { runFileSystemTask } from './fileSystemTask';
import { runExecuteProcessTask } from './processTask';
import { runScriptTask } from './scriptTask';
import { runWebRequestTask } from './webRequestTask';

/** The task kinds this engine runs. Execute Package is run by the engine itself (runPackage.ts). */
export const TASK_RUNNERS: { [K in TaskDef['type']]?: TaskRunner<Extract<TaskDef, { type: K }>> } = {
  executeProcess: runExecuteProcessTask,
  script: runScriptTask,
  executeSql: runExecuteSqlTask,
  fileSystem: runFileSystemTask,
  expression: runExpressionTask,
  webRequest: runWebRequestTask,
};
