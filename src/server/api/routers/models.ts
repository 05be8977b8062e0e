import { z } from 'zod';
import { auditCallAsOne } from '../../audit/audit-scope';
import { inAuditedTransaction } from '../../audit/audited-transaction';
import { modelBefore } from '../../audit/snapshots';
import { predictOne } from '../../jobs/predict.service';
import { checkHttp } from '../../models/http-check.service';
import { ZHttpRuntime, ZListModelsInput, ZModelManifest, ZPredictInput } from '../../models/models.schema';
import * as models from '../../models/models.service';
import { registerManifest } from '../../models/register.service';
import { inferSchemas } from '../../models/schema-inference';
import { ZCreateModelInput, ZSetAliasInput } from '../../models/versions.schema';
import * as versions from '../../models/versions.service';
import { safeJsonObject, safeText } from '../../safe-input';
import { authedProcedure, router } from '../trpc';

const ZJsonObject = safeJsonObject();

export const modelsRouter = router({
  list: authedProcedure.input(ZListModelsInput).query(({ ctx, input }) => models.listModels(ctx, ctx.viewer, input)),
  tasks: authedProcedure.query(({ ctx }) => models.listTasks(ctx, ctx.viewer)),
  tags: authedProcedure.query(({ ctx }) => models.listTags(ctx, ctx.viewer)),
  get: authedProcedure.input(z.object({ slug: safeText(200) })).query(({ ctx, input }) => models.getModel(ctx, ctx.viewer, input)),
  drafts: authedProcedure.query(({ ctx }) => models.listMyDrafts(ctx, ctx.viewer)),
  update: authedProcedure.input(ZCreateModelInput).mutation(({ ctx, input }) =>
    inAuditedTransaction(ctx, ctx.viewer, (tx) => models.updateModelInfo({ db: tx }, ctx.viewer, input), {
      action: 'model.update',
      before: (tx) => modelBefore(tx, input.slug),
      entity: (m) => ({ type: 'model', id: m.id }),
    }),
  ),
  usage: authedProcedure
    .input(z.object({ slug: safeText(200), days: z.number().int().min(1).max(365).default(30) }))
    .query(({ ctx, input }) => models.getModelUsage(ctx, ctx.viewer, input)),
  predict: authedProcedure.input(ZPredictInput).mutation(({ ctx, input }) => predictOne(ctx, ctx.viewer, input)),
  create: authedProcedure.input(ZCreateModelInput).mutation(({ ctx, input }) =>
    inAuditedTransaction(ctx, ctx.viewer, (tx) => versions.createModel({ db: tx }, ctx.viewer, input), {
      action: 'model.create',
      entity: (m) => ({ type: 'model', id: m.id }),
    }),
  ),
  setAlias: authedProcedure.input(ZSetAliasInput).mutation(({ ctx, input }) =>
    inAuditedTransaction(ctx, ctx.viewer, (tx) => versions.setAlias({ db: tx }, ctx.viewer, input), {
      action: 'model.setAlias',
      before: (tx) => modelBefore(tx, input.slug),
      entity: () => ({ type: 'model', id: input.slug }),
      after: (aliases) => ({ aliases }),
    }),
  ),
  /** Onboarding's reachability check of a served model; never throws for an unreachable server. */
  checkHttp: authedProcedure
    .input(
      z.object({
        runtime: ZHttpRuntime,
        timeoutMs: z.number().int().min(100).max(60_000).default(5000),
        /** The draft being edited (or the version it copies), whose secrets masked header values keep. */
        versionId: z.uuid().optional(),
      }),
    )
    .mutation(({ ctx, input }) => checkHttp(ctx, ctx.viewer, input)),
  inferSchemas: authedProcedure
    .input(z.object({ input: ZJsonObject, output: ZJsonObject }))
    .mutation(({ ctx, input }) => inferSchemas(input.input, input.output, { requester: ctx.viewer.id })),
  registerManifest: authedProcedure
    .input(z.object({ manifest: ZModelManifest, publish: z.boolean().default(true), aliases: z.array(safeText(32)).max(10).default([]) }))
    .mutation(({ ctx, input }) => {
      // Several steps (model, draft, a smoke test on the worker, publish): recorded as one entry when it ends.
      auditCallAsOne();
      return registerManifest(ctx, ctx.viewer, input);
    }),
});
