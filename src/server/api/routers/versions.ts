import { z } from 'zod';
import { runSmokeTest } from '../../models/smoke-test.service';
import { ZCreateDraftInput, ZPublishInput, ZUpdateDraftInput, ZVersionIdInput } from '../../models/versions.schema';
import * as versions from '../../models/versions.service';
import { safeJsonObject } from '../../safe-input';
import { adminProcedure, readProcedure, registerProcedure, router } from '../trpc';

export const versionsRouter = router({
  get: readProcedure.input(ZVersionIdInput).query(({ ctx, input }) => versions.getEditableVersion(ctx, ctx.viewer, input)),
  createDraft: registerProcedure.input(ZCreateDraftInput).mutation(({ ctx, input }) => versions.createDraftVersion(ctx, ctx.viewer, input)),
  update: registerProcedure.input(ZUpdateDraftInput).mutation(({ ctx, input }) => versions.updateDraftVersion(ctx, ctx.viewer, input)),
  smokeTest: registerProcedure
    .input(ZVersionIdInput.extend({ input: safeJsonObject().optional() }))
    .mutation(({ ctx, input }) => runSmokeTest(ctx, ctx.viewer, input)),
  publish: registerProcedure.input(ZPublishInput).mutation(({ ctx, input }) => versions.publishVersion(ctx, ctx.viewer, input)),
  deprecate: registerProcedure.input(ZVersionIdInput).mutation(({ ctx, input }) => versions.deprecateVersion(ctx, ctx.viewer, input)),
  /** Admins only: let a version whose runtime asks for `network: true` reach the network from its sandbox (or withdraw it). */
  allowNetwork: adminProcedure
    .input(ZVersionIdInput.extend({ allowed: z.boolean() }))
    .mutation(({ ctx, input }) => versions.setNetworkAllowed(ctx, ctx.viewer, input)),
});
