import { z } from 'zod';
import { predictOne } from '../../jobs/predict.service';
import { checkHttpModel } from '../../models/http-health';
import { ZHttpRuntime, ZListModelsInput, ZModelManifest, ZPredictInput } from '../../models/models.schema';
import * as models from '../../models/models.service';
import { registerManifest } from '../../models/register.service';
import { inferSchemas } from '../../models/schema-inference';
import { modelUsage } from '../../models/usage.repository';
import { ZCreateModelInput, ZSetAliasInput } from '../../models/versions.schema';
import * as versions from '../../models/versions.service';
import { authedProcedure, router } from '../trpc';

const ZJsonObject = z.record(z.string(), z.unknown());

export const modelsRouter = router({
  list: authedProcedure.input(ZListModelsInput).query(({ ctx, input }) => models.listModels(ctx.db, input, ctx.viewer)),
  tasks: authedProcedure.query(({ ctx }) => models.listTasks(ctx.db)),
  tags: authedProcedure.query(({ ctx }) => models.listTags(ctx.db)),
  get: authedProcedure.input(z.object({ slug: z.string() })).query(({ ctx, input }) => models.getModel(ctx.db, input.slug, ctx.viewer)),
  drafts: authedProcedure.query(({ ctx }) => models.listMyDrafts(ctx.db, ctx.viewer)),
  update: authedProcedure
    .input(ZCreateModelInput)
    .mutation(({ ctx, input }) => models.updateModelInfo(ctx.db, ctx.viewer, input.slug, input)),
  usage: authedProcedure
    .input(z.object({ slug: z.string(), days: z.number().int().min(1).max(365).default(30) }))
    .query(async ({ ctx, input }) => modelUsage(ctx.db, (await models.getModel(ctx.db, input.slug, ctx.viewer)).id, input.days)),
  predict: authedProcedure
    .input(ZPredictInput)
    .mutation(async ({ ctx, input }) => predictOne(ctx.db, await ctx.boss(), ctx.watcher, ctx.viewer, input)),
  create: authedProcedure.input(ZCreateModelInput).mutation(({ ctx, input }) => versions.createModel(ctx.db, ctx.viewer, input)),
  setAlias: authedProcedure
    .input(ZSetAliasInput)
    .mutation(({ ctx, input }) => versions.setAlias(ctx.db, ctx.viewer, input.slug, input.alias, input.version)),
  /** Onboarding's reachability check of a served model; never throws for an unreachable server. */
  checkHttp: authedProcedure
    .input(z.object({ runtime: ZHttpRuntime, timeoutMs: z.number().int().min(100).max(60_000).default(5000) }))
    .mutation(({ input }) => checkHttpModel(input.runtime, input.timeoutMs)),
  inferSchemas: authedProcedure
    .input(z.object({ input: ZJsonObject, output: ZJsonObject }))
    .mutation(({ input }) => inferSchemas(input.input, input.output)),
  registerManifest: authedProcedure
    .input(z.object({ manifest: ZModelManifest, publish: z.boolean().default(true), aliases: z.array(z.string()).default([]) }))
    .mutation(async ({ ctx, input }) =>
      registerManifest({ db: ctx.db, boss: await ctx.boss(), watcher: ctx.watcher }, ctx.viewer, input.manifest, {
        publish: input.publish,
        aliases: input.aliases,
      }),
    ),
});
