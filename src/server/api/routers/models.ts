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
import * as aliases from '../../models/aliases.service';
import * as sharing from '../../models/sharing.service';
import { ZCreateModelInput, ZModelAccessInput, ZNewModelInput, ZSetAliasInput } from '../../models/versions.schema';
import * as versions from '../../models/versions.service';
import { listModelEvaluations } from '../../evaluations/evaluations.service';
import { safeJsonObject, safeText } from '../../safe-input';
import { readProcedure, registerProcedure, router, runProcedure } from '../trpc';

const ZJsonObject = safeJsonObject();
const ZSlugInput = z.object({ slug: safeText(200) });

export const modelsRouter = router({
  list: readProcedure.input(ZListModelsInput).query(({ ctx, input }) => models.listModels(ctx, ctx.viewer, input)),
  tasks: readProcedure.query(({ ctx }) => models.listTasks(ctx, ctx.viewer)),
  tags: readProcedure.query(({ ctx }) => models.listTags(ctx, ctx.viewer)),
  get: readProcedure.input(ZSlugInput).query(({ ctx, input }) => models.getModel(ctx, ctx.viewer, input)),
  drafts: readProcedure.query(({ ctx }) => models.listMyDrafts(ctx, ctx.viewer)),
  update: registerProcedure.input(ZCreateModelInput).mutation(({ ctx, input }) =>
    inAuditedTransaction(ctx, ctx.viewer, (tx) => models.updateModelInfo({ db: tx }, ctx.viewer, input), {
      action: 'model.update',
      before: (tx) => modelBefore(tx, input.slug),
      entity: (m) => ({ type: 'model', id: m.id }),
    }),
  ),
  usage: readProcedure
    .input(z.object({ slug: safeText(200), days: z.number().int().min(1).max(365).default(30) }))
    .query(({ ctx, input }) => models.getModelUsage(ctx, ctx.viewer, input)),
  predict: runProcedure.input(ZPredictInput).mutation(({ ctx, input }) => predictOne(ctx, ctx.viewer, input)),
  create: registerProcedure.input(ZNewModelInput).mutation(({ ctx, input }) => versions.createModel(ctx, ctx.viewer, input)),
  /** Moves an alias; under the model's promotion policy a move of `production` waits for an approver (`status: 'pending'`). */
  setAlias: registerProcedure.input(ZSetAliasInput).mutation(({ ctx, input }) => aliases.setAlias(ctx, ctx.viewer, input)),
  /** Every alias move of a model, newest first: who, from, to, when, why, and who approved it. */
  aliasHistory: readProcedure
    .input(ZSlugInput.extend({ limit: z.number().int().min(1).max(500).default(100) }))
    .query(({ ctx, input }) => aliases.aliasHistory(ctx, ctx.viewer, input)),
  /** The evaluations run on each version of a model, with their metrics. */
  evaluations: readProcedure.input(ZSlugInput).query(({ ctx, input }) => listModelEvaluations(ctx, ctx.viewer, input)),
  /** Who may see the model (visibility, owning team) and whether moving production needs approval. */
  updateAccess: registerProcedure.input(ZModelAccessInput).mutation(({ ctx, input }) => sharing.updateModelAccess(ctx, ctx.viewer, input)),
  /** Onboarding's reachability check of a served model; never throws for an unreachable server. */
  checkHttp: registerProcedure
    .input(
      z.object({
        runtime: ZHttpRuntime,
        timeoutMs: z.number().int().min(100).max(60_000).default(5000),
        /** The draft being edited (or the version it copies), whose secrets masked header values keep. */
        versionId: z.uuid().optional(),
      }),
    )
    .mutation(({ ctx, input }) => checkHttp(ctx, ctx.viewer, input)),
  inferSchemas: registerProcedure
    .input(z.object({ input: ZJsonObject, output: ZJsonObject }))
    .mutation(({ ctx, input }) => inferSchemas(input.input, input.output, { requester: ctx.viewer.id })),
  registerManifest: registerProcedure
    .input(
      z.object({
        manifest: ZModelManifest,
        publish: z.boolean().default(true),
        aliases: z.array(safeText(32)).max(10).default([]),
        /** Who may see a model this registration creates (private by default). */
        access: ZModelAccessInput.pick({ visibility: true, teamId: true }).optional(),
      }),
    )
    .mutation(({ ctx, input }) => {
      // Several steps (model, draft, a smoke test on the worker, publish): recorded as one entry when it ends.
      auditCallAsOne();
      return registerManifest(ctx, ctx.viewer, input);
    }),
});
