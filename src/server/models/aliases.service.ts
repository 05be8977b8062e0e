import { inTransaction, type DbOrTx } from '../db/client';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { assertAcyclic } from '../consensus/consensus.service';
import type { Viewer } from '../users/viewer';
import { aliasProblem } from '../../shared/model-ref';
import { aliasMoveNeedsApproval, mayApprovePromotion } from '../../shared/permissions';
import * as repo from './models.repository';
import * as aliasRepo from './aliases.repository';
import * as promotions from './promotions.repository';
import { editableModel, modelFor } from './models.service';
import type { ModelSummary, ModelVersion } from './models.types';

type DbDeps = { db: DbOrTx };

/** What an alias move did: applied at once, or waiting for an approver (the promotion policy). */
export interface AliasMove {
  status: 'applied' | 'pending';
  /** Alias name → version number, as they are now. */
  aliases: Record<string, number>;
  request: promotions.PromotionRequest | null;
}

/** A published version of `model` to point an alias at. */
async function aliasTarget(db: DbOrTx, model: ModelSummary, version: number): Promise<ModelVersion> {
  const target = await repo.findVersion(db, { slug: model.slug, version });
  if (!target) throw new AppError('NOT_FOUND', `model "${model.slug}" has no version ${version}`);
  if (target.status !== 'published') throw new AppError('CONFLICT', `${model.slug}@${version} is ${target.status}; aliases point only at published versions`);
  return target;
}

/**
 * Moves (or removes, with `target` null) an alias and records the move — who, from, to, when, why,
 * and who approved it — in the same transaction. A move that changes nothing records nothing.
 */
async function moveAlias(
  db: DbOrTx,
  viewer: Viewer,
  model: ModelSummary,
  alias: string,
  target: ModelVersion | null,
  meta: { actorId: string | null; approvedBy: string | null; requestId: string | null; reason: string },
): Promise<void> {
  await inTransaction(db, async (tx) => {
    const current = await aliasRepo.findAlias(tx, model.id, alias);
    if (target === null) {
      if (!(await aliasRepo.deleteAlias(tx, model.id, alias))) throw new AppError('NOT_FOUND', `"${model.slug}" has no alias "${alias}"`);
    } else {
      if (current?.version_id === target.id) return;
      await aliasRepo.upsertAlias(tx, { modelId: model.id, name: alias, versionId: target.id, userId: meta.actorId });
      // Through aliases, a move can close a loop of consensus models: check with the alias moved.
      await assertAcyclic(tx, viewer, model.slug, target);
    }
    await aliasRepo.insertAliasEvent(tx, {
      modelId: model.id,
      alias,
      from: current ? { id: current.version_id, version: current.version } : null,
      to: target ? { id: target.id, version: target.version } : null,
      ...meta,
    });
  });
}

/**
 * Points an alias at a published version (or removes it with `version: null`). Running jobs keep
 * their version. Under a model's promotion policy, a move of `production` by anyone but an admin
 * waits for an approver instead (`status: 'pending'`); removing it then needs an admin.
 */
export async function setAlias(
  { db }: DbDeps,
  viewer: Viewer,
  { slug, alias, version, reason = '' }: { slug: string; alias: string; version: number | null; reason?: string },
): Promise<AliasMove> {
  const problem = aliasProblem(alias);
  if (problem) throw new AppError('INVALID_INPUT', `"${alias}" cannot be an alias: ${problem}`);
  const model = await editableModel(db, viewer, slug);
  const target = version === null ? null : await aliasTarget(db, model, version);
  if (aliasMoveNeedsApproval(viewer, model, alias)) {
    if (!target) throw new AppError('FORBIDDEN', `"${slug}" protects ${alias} with its promotion policy: only an administrator can remove it`);
    const current = await aliasRepo.findAlias(db, model.id, alias);
    if (current?.version_id !== target.id) {
      const request = await promotions.insertRequest(db, { modelId: model.id, alias, fromVersionId: current?.version_id ?? null, toVersionId: target.id, requestedBy: viewer.id, reason });
      if (!request) {
        const waiting = await promotions.findPendingRequest(db, model.id, alias);
        throw new AppError(
          'CONFLICT',
          `a move of ${slug}@${alias} to v${waiting?.toVersion ?? '?'}${waiting?.requestedBy ? ` asked by ${waiting.requestedBy}` : ''} is already waiting for approval; cancel it, or ask an approver to decide it first`,
          { requestId: waiting?.id },
        );
      }
      return { status: 'pending', aliases: await aliasRepo.listAliases(db, model.id), request };
    }
  } else {
    await moveAlias(db, viewer, model, alias, target, { actorId: viewer.id, approvedBy: null, requestId: null, reason });
  }
  return { status: 'applied', aliases: await aliasRepo.listAliases(db, model.id), request: null };
}

/** A model's alias moves, newest first. */
export async function aliasHistory({ db }: DbDeps, viewer: Viewer, { slug, limit = 100 }: { slug: string; limit?: number }) {
  const model = await modelFor(db, viewer, slug);
  return aliasRepo.listAliasEvents(db, model.id, limit);
}

/** A request the viewer may see (on a model they may see), or NOT_FOUND. */
async function visibleRequest(db: DbOrTx, viewer: Viewer, id: string) {
  const request = await promotions.findRequest(db, id);
  const model = request && (await repo.findModelById(db, request.modelId, viewer));
  if (!request || !model || model.access === 'none') throw new AppError('NOT_FOUND', `no promotion request ${id} visible to you`);
  return { request, model };
}

function assertPending(r: promotions.PromotionRequest): void {
  if (r.status !== 'pending') throw new AppError('CONFLICT', `this request was ${r.status}${r.decidedBy ? ` by ${r.decidedBy}` : ''} already`);
}

function assertApprover(viewer: Viewer, model: ModelSummary, r: promotions.PromotionRequest): void {
  if (mayApprovePromotion(viewer, model, r.requestedById)) return;
  throw new AppError(
    'FORBIDDEN',
    r.requestedById === viewer.id
      ? 'you asked for this move, so someone else must approve it: an administrator, or a maintainer of the model'
      : `only an administrator, or a maintainer who maintains "${model.slug}", may decide this request`,
  );
}

/** An approver applies a pending move: the alias moves and the history records who asked and who approved. */
export async function approvePromotion({ db }: DbDeps, viewer: Viewer, { id, note = '' }: { id: string; note?: string }): Promise<AliasMove> {
  const { request, model } = await visibleRequest(db, viewer, id);
  assertPending(request);
  assertApprover(viewer, model, request);
  await inTransaction(db, async (tx) => {
    if (!(await promotions.decideRequest(tx, id, { status: 'approved', by: viewer.id, note }))) assertPending((await promotions.findRequest(tx, id))!);
    const target = await aliasTarget(tx, model, request.toVersion);
    const reason = [request.reason, note && `approved: ${note}`].filter(Boolean).join(' — ');
    await moveAlias(tx, viewer, model, request.alias, target, { actorId: request.requestedById, approvedBy: viewer.id, requestId: id, reason });
  });
  return { status: 'applied', aliases: await aliasRepo.listAliases(db, model.id), request: (await promotions.findRequest(db, id))! };
}

export async function rejectPromotion({ db }: DbDeps, viewer: Viewer, { id, note = '' }: { id: string; note?: string }) {
  const { request, model } = await visibleRequest(db, viewer, id);
  assertPending(request);
  assertApprover(viewer, model, request);
  if (!(await promotions.decideRequest(db, id, { status: 'rejected', by: viewer.id, note }))) assertPending((await promotions.findRequest(db, id))!);
  return (await promotions.findRequest(db, id))!;
}

/** The one who asked (or an approver) withdraws a pending request. */
export async function cancelPromotion({ db }: DbDeps, viewer: Viewer, { id }: { id: string }) {
  const { request, model } = await visibleRequest(db, viewer, id);
  assertPending(request);
  if (request.requestedById !== viewer.id) assertApprover(viewer, model, request);
  if (!(await promotions.decideRequest(db, id, { status: 'cancelled', by: viewer.id, note: '' }))) assertPending((await promotions.findRequest(db, id))!);
  return (await promotions.findRequest(db, id))!;
}

/**
 * Promotion requests on the models the viewer may see (of one model with `slug`), newest first,
 * each saying whether this viewer may decide it.
 */
export async function listPromotions(
  { db }: DbDeps,
  viewer: Viewer,
  q: { slug?: string; status?: 'pending' | 'approved' | 'rejected' | 'cancelled'; limit?: number },
) {
  const model = q.slug ? await modelFor(db, viewer, q.slug) : null;
  const rows = await promotions.listRequests(db, viewer, { modelId: model?.id, status: q.status, limit: q.limit ?? 100 });
  const models = new Map<string, ModelSummary>(model ? [[model.id, model]] : []);
  for (const r of rows) if (!models.has(r.modelId)) models.set(r.modelId, (await repo.findModelById(db, r.modelId, viewer))!);
  return rows.map((r) => ({ ...r, mayDecide: r.status === 'pending' && mayApprovePromotion(viewer, models.get(r.modelId)!, r.requestedById) }));
}

