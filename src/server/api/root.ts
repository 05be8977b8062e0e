import { adminRouter } from './routers/admin';
import { agentRouter } from './routers/agent';
import { datasetsRouter, evaluationsRouter } from './routers/evaluations';
import { jobsRouter } from './routers/jobs';
import { meRouter } from './routers/me';
import { modelsRouter } from './routers/models';
import { grantsRouter, promotionsRouter, teamsRouter } from './routers/sharing';
import { auditRouter, costRouter, operationsRouter } from './routers/operations';
import { quotasRouter } from './routers/quotas';
import { tokensRouter } from './routers/tokens';
import { uploadsRouter } from './routers/uploads';
import { versionsRouter } from './routers/versions';
import { webhooksRouter } from './routers/webhooks';
import { createCallerFactory, router } from './trpc';

export const appRouter = router({
  models: modelsRouter,
  versions: versionsRouter,
  jobs: jobsRouter,
  uploads: uploadsRouter,
  tokens: tokensRouter,
  me: meRouter,
  datasets: datasetsRouter,
  evaluations: evaluationsRouter,
  agent: agentRouter,
  grants: grantsRouter,
  promotions: promotionsRouter,
  teams: teamsRouter,
  admin: adminRouter,
  quotas: quotasRouter,
  operations: operationsRouter,
  audit: auditRouter,
  cost: costRouter,
  webhooks: webhooksRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
