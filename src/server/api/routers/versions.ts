import { z } from 'zod';
import { inAuditedTransaction } from '../../audit/audited-transaction';
import { versionBefore } from '../../audit/snapshots';
import { runSmokeTest } from '../../models/smoke-test.service';
import type { ModelVersion } from '../../models/models.types';
import { ZCreateDraftInput, ZPublishInput, ZUpdateDraftInput, ZVersionIdInput } from '../../models/versions.schema';
import * as versions from '../../models/versions.service';
import { safeJsonObject } from '../../safe-input';
import { adminProcedure, readProcedure, registerProcedure, router } from '../trpc';

/** How a version mutation is recorded: the version before it, from the same transaction. */
const onVersion = (action: string, versionId?: string) => ({
  action,
  before: versionId ? (tx: Parameters<typeof versionBefore>[0]) => versionBefore(tx, versionId) : undefined,
  entity: (v: ModelVersion) => ({ type: 'version', id: v.id }),
});

export const versionsRouter = router({
  get: readProcedure.input(ZVersionIdInput).query(({ ctx, input }) => versions.getEditableVersion(ctx, ctx.viewer, input)),
  createDraft: registerProcedure
    .input(ZCreateDraftInput)
    .mutation(({ ctx, input }) => inAuditedTransaction<ModelVersion>(ctx, ctx.viewer, (tx) => versions.createDraftVersion({ db: tx }, ctx.viewer, input), onVersion('version.createDraft'))),
  update: registerProcedure
    .input(ZUpdateDraftInput)
    .mutation(({ ctx, input }) =>
      inAuditedTransaction<ModelVersion>(ctx, ctx.viewer, (tx) => versions.updateDraftVersion({ db: tx }, ctx.viewer, input), onVersion('version.update', input.versionId)),
    ),
  smokeTest: registerProcedure
    .input(ZVersionIdInput.extend({ input: safeJsonObject().optional() }))
    .mutation(({ ctx, input }) => runSmokeTest(ctx, ctx.viewer, input)),
  publish: registerProcedure
    .input(ZPublishInput)
    .mutation(({ ctx, input }) => inAuditedTransaction<ModelVersion>(ctx, ctx.viewer, (tx) => versions.publishVersion({ db: tx }, ctx.viewer, input), onVersion('version.publish', input.versionId))),
  deprecate: registerProcedure
    .input(ZVersionIdInput)
    .mutation(({ ctx, input }) =>
      inAuditedTransaction<ModelVersion>(ctx, ctx.viewer, (tx) => versions.deprecateVersion({ db: tx }, ctx.viewer, input), onVersion('version.deprecate', input.versionId)),
    ),
  /** The model's maintainers: answer this version's repeated inputs from the result cache (the default), or never. */
  setCache: registerProcedure
    .input(ZVersionIdInput.extend({ enabled: z.boolean() }))
    .mutation(({ ctx, input }) =>
      inAuditedTransaction<ModelVersion>(ctx, ctx.viewer, (tx) => versions.setVersionCache({ db: tx }, ctx.viewer, input), onVersion('version.setCache', input.versionId)),
    ),
  /** Admins only: let a version whose runtime asks for `network: true` reach the network from its sandbox (or withdraw it). */
  allowNetwork: adminProcedure
    .input(ZVersionIdInput.extend({ allowed: z.boolean() }))
    .mutation(({ ctx, input }) =>
      inAuditedTransaction<ModelVersion>(ctx, ctx.viewer, (tx) => versions.setNetworkAllowed({ db: tx }, ctx.viewer, input), onVersion('version.allowNetwork', input.versionId)),
    ),
});
