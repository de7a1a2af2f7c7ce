import { adminHandlers } from './adminHandlers';
import { catalogHandlers } from './catalogHandlers';
import { dashboardHandlers } from './dashboardHandlers';
import { environmentHandlers } from './environmentHandlers';
import { executionHandlers } from './executionHandlers';
import { runtimeHandlers } from './runtimeHandlers';
import { enrolmentHandlers } from './enrolmentHandlers';
import { securityHandlers } from './securityHandlers';
import type { HandlerDeps, Handlers } from './context';

export type { HandlerContext, HandlerDeps, Handlers } from './context';

export function createHandlers(deps: HandlerDeps): Handlers {
  return {
    ...adminHandlers(deps),
    ...catalogHandlers(deps),
    ...dashboardHandlers(deps),
    ...environmentHandlers(deps),
    ...executionHandlers(deps),
    ...runtimeHandlers(deps),
    ...enrolmentHandlers(deps),
    ...securityHandlers(deps),
  };
}
