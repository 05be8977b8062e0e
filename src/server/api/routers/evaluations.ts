import { z } from 'zod';
import { auditCallAsOne } from '../../audit/audit-scope';
import { listStrategies } from '../../consensus/strategy';
import { MAX_FOLDS, MIN_FOLDS } from '../../evaluations/cross-validation.service';
import * as evaluations from '../../evaluations/evaluations.service';
import { FIT_STRATEGIES, fitFromEvaluation } from '../../evaluations/fit.service';
import { safeName, safeText } from '../../safe-input';
import { readProcedure, registerProcedure, router, runProcedure } from '../trpc';

const ZId = z.object({ id: z.uuid() });

export const datasetsRouter = router({
  list: readProcedure.query(({ ctx }) => evaluations.listDatasets(ctx, ctx.viewer)),
  upload: runProcedure
    .input(
      z.object({
        name: safeName(200, 'name the dataset'),
        // Control characters are reported per line by the CSV reader.
        csv: z.string().min(1).max(20_000_000, 'the CSV is over 20 MB; name a file on the server instead'),
        smilesColumn: safeText(200).optional(),
        valueColumn: safeText(200).optional(),
        units: safeText(50).optional(),
        /** Keep the usable rows and report the others, instead of refusing the file. */
        dropInvalidRows: z.boolean().default(false),
      }),
    )
    .mutation(({ ctx, input }) => evaluations.createDatasetFromCsv(ctx, ctx.viewer, input)),
  importFile: runProcedure
    .input(
      z.object({
        file: safeText(300).min(1),
        name: safeText(200).optional(),
        units: safeText(50).optional(),
        dropInvalidRows: z.boolean().default(false),
      }),
    )
    .mutation(({ ctx, input }) => evaluations.importServerDataset(ctx, ctx.viewer, input)),
});

export const evaluationsRouter = router({
  strategies: readProcedure.query(() => listStrategies().map((s) => ({ name: s.name, kind: s.kind, description: s.description }))),
  list: readProcedure
    .input(z.object({ limit: z.number().int().min(1).max(100).default(20), offset: z.number().int().min(0).default(0) }))
    .query(({ ctx, input }) => evaluations.listEvaluations(ctx, ctx.viewer, input)),
  create: runProcedure
    .input(
      z.object({
        model: safeText(200).min(2),
        datasetId: z.uuid(),
        outputField: safeText(200).optional(),
        /** k-fold cross-validation: trained models are retrained per fold, fitted strategies fitted on the other folds. */
        folds: z.number().int().min(MIN_FOLDS, `folds must be at least ${MIN_FOLDS}`).max(MAX_FOLDS, `folds must be at most ${MAX_FOLDS}`).optional(),
        seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
      }),
    )
    .mutation(({ ctx, input }) => evaluations.startEvaluation(ctx, ctx.viewer, input)),
  get: readProcedure.input(ZId).query(({ ctx, input }) => evaluations.getEvaluation(ctx, ctx.viewer, input)),
  fit: registerProcedure
    .input(ZId.extend({ strategy: z.enum(FIT_STRATEGIES), members: z.array(safeText(100).min(1)).min(1).max(50).optional() }))
    .mutation(({ ctx, input }) => {
      // Fit, a new draft, its smoke test on the worker, publish: recorded as one entry when it ends.
      auditCallAsOne();
      return fitFromEvaluation(ctx, ctx.viewer, input);
    }),
});
