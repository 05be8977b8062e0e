import { runSmokeTest } from '../../models/smoke-test.service';
import { ZCreateDraftInput, ZPublishInput, ZUpdateDraftInput, ZVersionIdInput } from '../../models/versions.schema';
import * as versions from '../../models/versions.service';
import { z } from 'zod';
import { authedProcedure, router } from '../trpc';

export const versionsRouter = router({
  get: authedProcedure.input(ZVersionIdInput).query(({ ctx, input }) => versions.editableVersion(ctx.db, ctx.viewer, input.versionId)),
  createDraft: authedProcedure
    .input(ZCreateDraftInput)
    .mutation(({ ctx, input }) => versions.createDraftVersion(ctx.db, ctx.viewer, input.slug, input.spec)),
  update: authedProcedure
    .input(ZUpdateDraftInput)
    .mutation(({ ctx, input }) => versions.updateDraftVersion(ctx.db, ctx.viewer, input.versionId, input.spec)),
  smokeTest: authedProcedure
    .input(ZVersionIdInput.extend({ input: z.record(z.string(), z.unknown()).optional() }))
    .mutation(async ({ ctx, input }) =>
      runSmokeTest({ db: ctx.db, boss: await ctx.boss(), watcher: ctx.watcher }, ctx.viewer, input.versionId, input.input),
    ),
  publish: authedProcedure
    .input(ZPublishInput)
    .mutation(({ ctx, input }) => versions.publishVersion(ctx.db, ctx.viewer, input.versionId, input.aliases)),
  deprecate: authedProcedure.input(ZVersionIdInput).mutation(({ ctx, input }) => versions.deprecateVersion(ctx.db, ctx.viewer, input.versionId)),
});
