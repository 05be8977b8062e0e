/**
 * The authorization matrix: every tRPC procedure × six callers × a private, a team and an
 * organisation model, each outcome compared with the table below (written out, not derived from
 * src/shared/permissions.ts, so a change of rule must change the table too).
 *
 * A procedure in the router without an entry here fails the test by name: a new procedure is
 * authorized on purpose or not at all. To add one, give it an `expect` grid (reuse a pattern below
 * or write your own) and a `call` that reaches the procedure with a valid input; give a
 * mutation that consumes its object a `prepare` that makes a fresh one for each cell.
 *
 * Outcomes: `+` allowed (the call succeeded, or ended with one of the entry's `passes` codes,
 * which are refusals after the access check, such as CONFLICT); `N` NOT_FOUND (the caller may not
 * know the object exists); `F` FORBIDDEN (they see it, or the role or scope does not allow the
 * action); `U` UNAUTHORIZED (no credential).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeam, createUser, fixtureManifest, startTestGateway, type TestGateway } from '../../../test/support';
import { insertConversation } from '../agent/conversations.repository';
import { isAppError, type ErrorCode } from '../errors';
import * as jobs from '../jobs/jobs.service';
import * as aliases from '../models/aliases.service';
import { publishTrustedManifest } from '../models/builtins.service';
import * as sharing from '../models/sharing.service';
import * as versions from '../models/versions.service';
import * as evaluations from '../evaluations/evaluations.service';
import { createInvitation } from '../users/invitations.service';
import { updateSignUpSettings } from '../users/admin-users.service';
import { createApiToken } from '../users/users.service';
import type { Viewer } from '../users/viewer';
import { receiveUpload } from '../uploads/uploads.service';
import { insertDeliveries } from '../webhooks/webhooks.repository';
import { createWebhook } from '../webhooks/webhooks.service';
import { appRouter, createCaller } from './root';

const ACTORS = ['anonymous', 'viewer', 'member', 'other', 'owner', 'admin'] as const;
const VISIBILITIES = ['private', 'team', 'organisation'] as const;
type Actor = (typeof ACTORS)[number];
type Vis = (typeof VISIBILITIES)[number];
type Outcome = '+' | 'N' | 'F' | 'U';
type Grid = Record<Actor, Record<Vis, Outcome>>;

/**
 * The callers: `viewer` (the read-only role), `member` and `owner` are in team A, which owns the
 * team model; `other` is a member of team B; `owner` owns all three models; `admin` administers.
 */
function grid(table: string): Grid {
  const rows = table.trim().split('\n').map((l) => l.trim().split(/\s+/));
  const g = {} as Grid;
  for (const [actor, ...cells] of rows) {
    if (!ACTORS.includes(actor as Actor) || cells.length !== 3 || !cells.every((c) => '+NFU'.includes(c))) throw new Error(`bad grid row: ${actor} ${cells.join(' ')}`);
    g[actor as Actor] = { private: cells[0], team: cells[1], organisation: cells[2] } as Record<Vis, Outcome>;
  }
  if (Object.keys(g).length !== ACTORS.length) throw new Error(`a grid needs a row for each of ${ACTORS.join(', ')}`);
  return g;
}

//                          private team org
/** Seeing a model (and what hangs off it: versions, aliases, usage, evaluations). */
const SEE = grid(`
  anonymous U U U
  viewer    N + +
  member    N + +
  other     N N +
  owner     + + +
  admin     + + +`);
/** Running a model: the viewer role may not run anything, whatever it sees. */
const RUN = grid(`
  anonymous U U U
  viewer    F F F
  member    N + +
  other     N N +
  owner     + + +
  admin     + + +`);
/** Changing a model: its maintainers; those who only see it are told who may. */
const MAINTAIN = grid(`
  anonymous U U U
  viewer    F F F
  member    N F F
  other     N N F
  owner     + + +
  admin     + + +`);
/** Reading what only maintainers read (the grants): the read scope passes, the model decides. */
const MAINTAIN_READ = grid(`
  anonymous U U U
  viewer    N F F
  member    N F F
  other     N N F
  owner     + + +
  admin     + + +`);
/** A draft version: invisible to all but those who maintain the model. */
const DRAFT = grid(`
  anonymous U U U
  viewer    N N N
  member    N N N
  other     N N N
  owner     + + +
  admin     + + +`);
const DRAFT_CHANGE = grid(`
  anonymous U U U
  viewer    F F F
  member    N N N
  other     N N N
  owner     + + +
  admin     + + +`);
/** Deciding a promotion the owner asked for: an approver who is not the one who asked. */
const APPROVE = grid(`
  anonymous U U U
  viewer    F F F
  member    N F F
  other     N N F
  owner     F F F
  admin     + + +`);
/** The owner's own job or evaluation: theirs, and an admin's. */
const OWN = grid(`
  anonymous U U U
  viewer    N N N
  member    N N N
  other     N N N
  owner     + + +
  admin     + + +`);
const OWN_RUN = grid(`
  anonymous U U U
  viewer    F F F
  member    N N N
  other     N N N
  owner     + + +
  admin     + + +`);
/** Strictly personal: the owner's token, conversations and drafts; not even an admin sees them here. */
const PERSONAL = grid(`
  anonymous U U U
  viewer    N N N
  member    N N N
  other     N N N
  owner     + + +
  admin     N N N`);
/** The caller's own object changed with the run scope (a webhook): the viewer role is refused first, an admin does not see it. */
const PERSONAL_RUN = grid(`
  anonymous U U U
  viewer    F F F
  member    N N N
  other     N N N
  owner     + + +
  admin     N N N`);
const SIGNED_IN = grid(`
  anonymous U U U
  viewer    + + +
  member    + + +
  other     + + +
  owner     + + +
  admin     + + +`);
/** Registering and running, whatever the model: every role but viewer. */
const NOT_VIEWER = grid(`
  anonymous U U U
  viewer    F F F
  member    + + +
  other     + + +
  owner     + + +
  admin     + + +`);
const ANYONE = grid(`
  anonymous + + +
  viewer    + + +
  member    + + +
  other     + + +
  owner     + + +
  admin     + + +`);
/** Admins only; the admin gets past the check to a NOT_FOUND for the id that does not exist. */
const ADMIN_MISSING = grid(`
  anonymous U U U
  viewer    F F F
  member    F F F
  other     F F F
  owner     F F F
  admin     N N N`);
const ADMIN = grid(`
  anonymous U U U
  viewer    F F F
  member    F F F
  other     F F F
  owner     F F F
  admin     + + +`);

/** One visibility's objects, all owned by `owner`. */
interface Fixture {
  vis: Vis;
  slug: string;
  tag: string;
  task: string;
  publishedId: string;
  draftId: string;
  jobId: string;
  evaluationId: string;
}

interface Env {
  gw: TestGateway;
  users: Record<Exclude<Actor, 'anonymous'>, Viewer> & { bystander: Viewer };
  teamA: string;
  teamC: string;
  datasets: Partial<Record<Actor, string>>;
  invitationToken: string;
  conversationId: string;
  next: () => number;
}

interface Entry {
  expect: Grid;
  /** Per cell: makes what the call consumes (a fresh job to cancel, a pending request to approve). */
  prepare?: (fx: Fixture, env: Env, actor: Actor) => Promise<unknown>;
  call: (c: AnyCaller, fx: Fixture, env: Env, prepared: unknown, actor: Actor) => Promise<unknown>;
  /** For lists: allowed only when the answer shows the fixture's model (or object); `N` otherwise. */
  sees?: (result: unknown, fx: Fixture, env: Env) => boolean;
  /** Codes that end an allowed call after its access check passed. */
  passes?: ErrorCode[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCaller = any;

/** A fresh file of the owner's, ready to run. */
const ownerUpload = async (env: Env) =>
  (await receiveUpload(env.gw.deps, env.users.owner, { filename: 'authz.smi', body: Readable.from([Buffer.from('CCO a\nCC b\n')]) })).uploadId;

const csv = 'smiles,value\nCCO,0.1\nCC,0.2\nCCC,0.3\n';
const slugsOf = (r: unknown) => ((r as { items: { slug: string }[] }).items ?? []).map((m) => m.slug);

/** Every procedure of the router: `path` → its entry. */
const MATRIX: Record<string, Entry> = {
  // ── models ────────────────────────────────────────────────────────────────────────────────────
  'models.list': { expect: SEE, call: (c, fx) => c.models.list({ search: fx.slug }), sees: (r, fx) => slugsOf(r).includes(fx.slug) },
  'models.tasks': { expect: SEE, call: (c) => c.models.tasks(), sees: (r, fx) => (r as string[]).includes(fx.task) },
  'models.tags': { expect: SEE, call: (c) => c.models.tags(), sees: (r, fx) => (r as string[]).includes(fx.tag) },
  'models.get': { expect: SEE, call: (c, fx) => c.models.get({ slug: fx.slug }) },
  'models.drafts': { expect: PERSONAL, call: (c) => c.models.drafts(), sees: (r, fx) => (r as { slug: string }[]).some((d) => d.slug === fx.slug) },
  'models.update': {
    expect: MAINTAIN,
    call: (c, fx) => c.models.update({ slug: fx.slug, name: `Authz ${fx.vis}`, task: fx.task, description: 'changed', tags: [fx.tag] }),
  },
  'models.usage': { expect: SEE, call: (c, fx) => c.models.usage({ slug: fx.slug }) },
  'models.predict': { expect: RUN, call: (c, fx) => c.models.predict({ model: fx.slug, input: { smiles: 'CCO' } }) },
  'models.create': { expect: NOT_VIEWER, call: (c, _fx, env) => c.models.create({ slug: `authz-new-${env.next()}`, name: 'New', task: 'test/new' }) },
  'models.setAlias': { expect: MAINTAIN, call: (c, fx) => c.models.setAlias({ slug: fx.slug, alias: 'staging', version: 1 }) },
  'models.aliasHistory': { expect: SEE, call: (c, fx) => c.models.aliasHistory({ slug: fx.slug }) },
  'models.evaluations': { expect: SEE, call: (c, fx) => c.models.evaluations({ slug: fx.slug }) },
  'models.updateAccess': { expect: MAINTAIN, call: (c, fx) => c.models.updateAccess({ slug: fx.slug, productionRequiresApproval: true }) },
  'models.checkHttp': {
    expect: NOT_VIEWER,
    call: (c) => c.models.checkHttp({ runtime: { kind: 'http', url: 'http://127.0.0.1:9/', protocol: 'json' }, timeoutMs: 500 }),
  },
  'models.inferSchemas': { expect: NOT_VIEWER, call: (c) => c.models.inferSchemas({ input: { smiles: 'CCO' }, output: { value: 1.5 } }) },
  'models.registerManifest': {
    expect: NOT_VIEWER,
    call: async (c, _fx, env) => c.models.registerManifest({ manifest: { ...(await fixtureManifest(env.gw.db, 'echo')), slug: `authz-reg-${env.next()}` }, publish: false }),
  },

  // ── versions ──────────────────────────────────────────────────────────────────────────────────
  'versions.get': { expect: DRAFT, call: (c, fx) => c.versions.get({ versionId: fx.draftId }) },
  'versions.createDraft': { expect: MAINTAIN, call: async (c, fx, env) => c.versions.createDraft({ slug: fx.slug, spec: await echoSpec(env) }) },
  'versions.update': { expect: DRAFT_CHANGE, call: async (c, fx, env) => c.versions.update({ versionId: fx.draftId, spec: await echoSpec(env) }) },
  'versions.smokeTest': { expect: DRAFT_CHANGE, call: (c, fx) => c.versions.smokeTest({ versionId: fx.draftId }) },
  'versions.publish': {
    expect: DRAFT_CHANGE,
    prepare: (fx, env) => draftIn(fx, env, 'validated'),
    call: (c, _fx, _env, versionId) => c.versions.publish({ versionId }),
  },
  'versions.deprecate': {
    expect: MAINTAIN,
    prepare: (fx, env) => draftIn(fx, env, 'published'),
    call: (c, _fx, _env, versionId) => c.versions.deprecate({ versionId }),
  },
  'versions.setCache': { expect: MAINTAIN, call: (c, fx) => c.versions.setCache({ versionId: fx.publishedId, enabled: true }) },
  'versions.allowNetwork': { expect: ADMIN, call: (c, fx) => c.versions.allowNetwork({ versionId: fx.publishedId, allowed: false }) },

  // ── jobs ──────────────────────────────────────────────────────────────────────────────────────
  'jobs.estimate': { expect: SEE, call: (c, fx) => c.jobs.estimate({ model: fx.slug, items: 10 }) },
  'jobs.create': { expect: RUN, call: (c, fx) => c.jobs.create({ model: fx.slug, inputs: [{ smiles: 'CC' }] }) },
  'jobs.get': { expect: OWN, call: (c, fx) => c.jobs.get({ jobId: fx.jobId }) },
  'jobs.list': {
    expect: PERSONAL,
    call: (c) => c.jobs.list({ limit: 100 }),
    sees: (r, fx) => (r as { items: { id: string }[] }).items.some((j) => j.id === fx.jobId),
  },
  'jobs.results': { expect: OWN, call: (c, fx) => c.jobs.results({ jobId: fx.jobId }) },
  'jobs.cancel': {
    expect: OWN_RUN,
    prepare: async (fx, env) => (await jobs.submitJob(env.gw.deps, env.users.owner, { model: fx.slug, inputs: [{ smiles: 'C' }] })).id,
    call: (c, _fx, _env, jobId) => c.jobs.cancel({ jobId }),
    // A job that finished before the cancel is not cancelled: the access check had passed.
    passes: ['CONFLICT'],
  },

  // ── uploads ───────────────────────────────────────────────────────────────────────────────────
  'uploads.get': { expect: PERSONAL, prepare: (_fx, env) => ownerUpload(env), call: (c, _fx, _env, uploadId) => c.uploads.get({ uploadId }) },
  'uploads.submit': { expect: PERSONAL_RUN, prepare: (_fx, env) => ownerUpload(env), call: (c, fx, _env, uploadId) => c.uploads.submit({ uploadId, model: fx.slug }) },
  // ── webhooks ──────────────────────────────────────────────────────────────────────────────────
  'webhooks.create': { expect: OWN_RUN, call: (c, fx) => c.webhooks.create({ url: 'http://127.0.0.1:9/authz', jobId: fx.jobId }) },
  'webhooks.list': { expect: SIGNED_IN, call: (c) => c.webhooks.list() },
  'webhooks.delete': {
    expect: PERSONAL_RUN,
    prepare: async (fx, env) => (await createWebhook(env.gw.deps, env.users.owner, { url: 'http://127.0.0.1:9/authz', jobId: fx.jobId })).id,
    call: (c, _fx, _env, id) => c.webhooks.delete({ id: id as string }),
  },
  'webhooks.deliveries': { expect: OWN, call: (c, fx) => c.webhooks.deliveries({ jobId: fx.jobId }) },
  'webhooks.replay': {
    expect: PERSONAL_RUN,
    prepare: async (fx, env) => {
      const hook = await createWebhook(env.gw.deps, env.users.owner, { url: 'http://127.0.0.1:9/authz', jobId: fx.jobId });
      const payload = { event: 'started' as const, jobId: fx.jobId, job: { status: 'running', itemsTotal: 1, itemsDone: 0, itemsFailed: 0 }, occurredAt: new Date().toISOString() };
      return (await insertDeliveries(env.gw.db, [{ webhookId: hook.id, jobId: fx.jobId, event: 'started', payload }]))[0];
    },
    call: (c, _fx, _env, deliveryId) => c.webhooks.replay({ deliveryId: deliveryId as string }),
  },

  // ── tokens and me ─────────────────────────────────────────────────────────────────────────────
  'tokens.list': { expect: SIGNED_IN, call: (c) => c.tokens.list() },
  'tokens.create': { expect: SIGNED_IN, call: (c) => c.tokens.create({ name: 'authz', expiresInDays: 1 }) },
  'tokens.revoke': {
    expect: PERSONAL,
    prepare: async (_fx, env) => (await createApiToken(env.gw.deps, env.users.owner, { name: 'authz-revoke' })).id,
    call: (c, _fx, _env, id) => c.tokens.revoke({ id }),
  },
  'me.get': { expect: SIGNED_IN, call: (c) => c.me.get() },
  'me.register': { expect: ANYONE, call: (c, _fx, env) => c.me.register({ email: `signup-${env.next()}@example.test`, password: 'correct horse battery' }) },
  'me.signUpOptions': { expect: ANYONE, call: (c) => c.me.signUpOptions() },
  'me.invitation': { expect: ANYONE, call: (c, _fx, env) => c.me.invitation({ token: env.invitationToken }) },
  'me.sessions': { expect: SIGNED_IN, call: (c) => c.me.sessions() },
  'me.endOtherSessions': { expect: SIGNED_IN, call: (c) => c.me.endOtherSessions() },

  // ── datasets and evaluations ──────────────────────────────────────────────────────────────────
  'datasets.list': { expect: SIGNED_IN, call: (c) => c.datasets.list() },
  'datasets.upload': { expect: NOT_VIEWER, call: (c, _fx, env) => c.datasets.upload({ name: `authz-${env.next()}`, csv }) },
  'datasets.importFile': { expect: NOT_VIEWER, call: (c, _fx, env) => c.datasets.importFile({ file: 'authz.csv', name: `authz-file-${env.next()}` }) },
  'evaluations.strategies': { expect: SIGNED_IN, call: (c) => c.evaluations.strategies() },
  'evaluations.list': {
    expect: PERSONAL,
    call: (c) => c.evaluations.list({ limit: 100 }),
    sees: (r, fx) => (r as { id: string }[]).some((e) => e.id === fx.evaluationId),
  },
  'evaluations.create': {
    expect: RUN,
    call: (c, fx, env, _p, actor) => c.evaluations.create({ model: fx.slug, datasetId: env.datasets[actor] ?? env.datasets.owner! }),
  },
  'evaluations.get': { expect: OWN, call: (c, fx) => c.evaluations.get({ id: fx.evaluationId }) },
  'evaluations.fit': {
    expect: OWN_RUN,
    call: (c, fx) => c.evaluations.fit({ id: fx.evaluationId, strategy: 'inverse-error' }),
    // The echo model is no consensus (or its evaluation is still running): refused after the access check.
    passes: ['INVALID_INPUT', 'CONFLICT'],
  },

  // ── the agent's conversations ─────────────────────────────────────────────────────────────────
  'agent.status': { expect: SIGNED_IN, call: (c) => c.agent.status() },
  'agent.conversations.list': { expect: SIGNED_IN, call: (c) => c.agent.conversations.list({}) },
  'agent.conversations.get': { expect: PERSONAL, call: (c, _fx, env) => c.agent.conversations.get({ id: env.conversationId }) },
  'agent.conversations.delete': {
    expect: PERSONAL,
    prepare: async (_fx, env) => {
      const id = crypto.randomUUID();
      await insertConversation(env.gw.db, { id, ownerId: env.users.owner.id, title: 'to delete' });
      return id;
    },
    call: (c, _fx, _env, id) => c.agent.conversations.delete({ id }),
  },
  'agent.toolCalls': { expect: SIGNED_IN, call: (c) => c.agent.toolCalls({}) },

  // ── sharing and promotion ─────────────────────────────────────────────────────────────────────
  'grants.list': { expect: MAINTAIN_READ, call: (c, fx) => c.grants.list({ slug: fx.slug }) },
  // To the bystander, who is none of the callers: a grant here must not change another cell.
  'grants.create': { expect: MAINTAIN, call: (c, fx, env) => c.grants.create({ slug: fx.slug, userEmail: env.users.bystander.email, level: 'view' }) },
  'grants.revoke': {
    expect: MAINTAIN,
    prepare: async (fx, env) => {
      const list = await sharing.createGrant(env.gw.deps, env.users.owner, { slug: fx.slug, teamId: env.teamC, level: 'view' });
      return list.find((g) => g.team?.id === env.teamC)!.id;
    },
    call: (c, _fx, _env, grantId) => c.grants.revoke({ grantId }),
  },
  'promotions.list': { expect: SEE, call: (c, fx) => c.promotions.list({ slug: fx.slug }) },
  'promotions.approve': { expect: APPROVE, prepare: pendingPromotion, call: (c, _fx, _env, id) => c.promotions.approve({ id }) },
  'promotions.reject': { expect: APPROVE, prepare: pendingPromotion, call: (c, _fx, _env, id) => c.promotions.reject({ id }) },
  // The one who asked may withdraw it, as may an approver.
  'promotions.cancel': { expect: MAINTAIN, prepare: pendingPromotion, call: (c, _fx, _env, id) => c.promotions.cancel({ id }) },
  'teams.list': { expect: SIGNED_IN, call: (c) => c.teams.list() },

  // ── the admin console ─────────────────────────────────────────────────────────────────────────
  'admin.users.list': { expect: ADMIN, call: (c) => c.admin.users.list({}) },
  'admin.users.create': { expect: ADMIN, call: (c, _fx, env) => c.admin.users.create({ email: `made-${env.next()}@example.test`, password: 'correct horse battery' }) },
  'admin.users.update': { expect: ADMIN, call: (c, _fx, env) => c.admin.users.update({ userId: env.users.bystander.id, role: 'member' }) },
  'admin.users.revokeSessions': { expect: ADMIN, call: (c, _fx, env) => c.admin.users.revokeSessions({ userId: env.users.bystander.id }) },
  'admin.teams.list': { expect: ADMIN, call: (c) => c.admin.teams.list() },
  'admin.teams.create': { expect: ADMIN, call: (c, _fx, env) => c.admin.teams.create({ name: `authz-team-${env.next()}` }) },
  'admin.teams.update': { expect: ADMIN, call: (c, _fx, env) => c.admin.teams.update({ teamId: env.teamC, description: `changed ${env.next()}` }) },
  'admin.teams.addMember': { expect: ADMIN, call: (c, _fx, env) => c.admin.teams.addMember({ teamId: env.teamC, userId: env.users.bystander.id }) },
  'admin.teams.removeMember': {
    expect: ADMIN,
    prepare: async (_fx, env) => {
      await env.gw.db.insertInto('team_members').values({ team_id: env.teamC, user_id: env.users.bystander.id }).onConflict((oc) => oc.doNothing()).execute();
    },
    call: (c, _fx, env) => c.admin.teams.removeMember({ teamId: env.teamC, userId: env.users.bystander.id }),
  },
  'admin.invitations.list': { expect: ADMIN, call: (c) => c.admin.invitations.list() },
  'admin.invitations.create': { expect: ADMIN, call: (c, _fx, env) => c.admin.invitations.create({ email: `invited-${env.next()}@example.test` }) },
  'admin.invitations.revoke': {
    expect: ADMIN,
    prepare: async (_fx, env) => (await createInvitation(env.gw.deps, env.users.admin, { email: `revoked-${env.next()}@example.test`, role: 'member', teamIds: [], expiresInDays: 1 })).id,
    call: (c, _fx, _env, id) => c.admin.invitations.revoke({ id }),
  },
  'admin.signUp.get': { expect: ADMIN, call: (c) => c.admin.signUp.get() },
  'admin.signUp.update': { expect: ADMIN, call: (c) => c.admin.signUp.update({ open: true }) },
  'admin.tokens.list': { expect: ADMIN, call: (c) => c.admin.tokens.list({}) },
  'admin.tokens.revoke': {
    expect: ADMIN,
    prepare: async (_fx, env) => (await createApiToken(env.gw.deps, env.users.bystander, { name: 'authz-admin-revoke' })).id,
    call: (c, _fx, _env, id) => c.admin.tokens.revoke({ id }),
  },
  // Quotas, cost, audit and operations (the admin console); `quotas.mine` is every account's own.
  'quotas.mine': { expect: SIGNED_IN, call: (c) => c.quotas.mine() },
  'quotas.list': { expect: ADMIN, call: (c) => c.quotas.list() },
  'quotas.get': { expect: ADMIN, call: (c, _fx, env) => c.quotas.get({ type: 'user', id: env.users.bystander.id }) },
  'quotas.set': { expect: ADMIN, call: (c, _fx, env) => c.quotas.set({ subject: { type: 'user', id: env.users.bystander.id }, limits: { itemsPerDay: 1_000_000 } }) },
  'quotas.clear': { expect: ADMIN, call: (c, _fx, env) => c.quotas.clear({ subject: { type: 'user', id: env.users.bystander.id } }) },
  'cost.report': { expect: ADMIN, call: (c) => c.cost.report({ by: 'model' }) },
  'audit.list': { expect: ADMIN, call: (c) => c.audit.list({}) },
  'operations.queues': { expect: ADMIN, call: (c) => c.operations.queues() },
  'operations.workers': { expect: ADMIN, call: (c) => c.operations.workers() },
  'operations.deadLetters': { expect: ADMIN, call: (c) => c.operations.deadLetters() },
  'operations.modelStats': { expect: ADMIN, call: (c) => c.operations.modelStats({}) },
  'operations.retryDeadLetter': { expect: ADMIN_MISSING, call: (c) => c.operations.retryDeadLetter({ taskId: '00000000-0000-4000-8000-000000000000' }) },
};

let echoSpecCache: Awaited<ReturnType<typeof buildEchoSpec>> | undefined;
async function buildEchoSpec(env: Env) {
  const m = await fixtureManifest(env.gw.db, 'echo');
  return { runtime: m.runtime, inputSchema: m.inputSchema, outputSchema: m.outputSchema, resources: {}, batchSize: m.batchSize, timeoutMs: m.timeoutMs, example: m.example ?? null };
}
const echoSpec = async (env: Env) => (echoSpecCache ??= await buildEchoSpec(env));

/**
 * A new version of the fixture's model, moved straight to `status`: whether a smoke test passes is
 * not what the cell checks, and each cell needs its own version to publish or deprecate.
 */
async function draftIn(fx: Fixture, env: Env, status: 'validated' | 'published'): Promise<string> {
  const draft = await versions.createDraftVersion(env.gw.deps, env.users.owner, { slug: fx.slug, spec: await echoSpec(env) });
  await env.gw.db.updateTable('model_versions').set({ status }).where('id', '=', draft.id).execute();
  return draft.id;
}

/** Version `n` + 1 of the visibility's model, published. */
async function publishFixture(env: Env, vis: Vis, n: number) {
  const manifest = { ...(await fixtureManifest(env.gw.db, 'echo')), slug: `authz-${vis}`, name: `Authz ${vis}`, task: `authz/${vis}`, tags: [`authz-tag-${vis}`], version: n + 1, batchSize: 10 + n };
  return publishTrustedManifest(env.gw.deps, { manifest, builtIn: false, owner: env.users.owner, visibility: vis, teamId: env.teamA });
}

/** A fresh request, by the owner, to move production of the model from v1 to v2. */
async function pendingPromotion(fx: Fixture, env: Env): Promise<string> {
  await env.gw.db.updateTable('promotion_requests').set({ status: 'cancelled' }).where('status', '=', 'pending').execute();
  await aliases.setAlias(env.gw.deps, env.users.admin, { slug: fx.slug, alias: 'production', version: 1 });
  const move = await aliases.setAlias(env.gw.deps, env.users.owner, { slug: fx.slug, alias: 'production', version: 2, reason: 'matrix' });
  if (move.status !== 'pending' || !move.request) throw new Error(`expected a pending promotion, got ${move.status}`);
  return move.request.id;
}

const CODE_OUTCOME: Partial<Record<ErrorCode, Outcome>> = { NOT_FOUND: 'N', FORBIDDEN: 'F', UNAUTHORIZED: 'U' };

function outcomeOf(e: unknown, entry: Entry): { outcome: Outcome | '!'; detail: string } {
  const cause = (e as { cause?: unknown })?.cause;
  const app = isAppError(cause) ? cause : isAppError(e) ? e : null;
  const trpcCode = (e as { code?: string })?.code;
  const code = app?.code ?? (trpcCode === 'UNAUTHORIZED' ? 'UNAUTHORIZED' : trpcCode === 'FORBIDDEN' ? 'FORBIDDEN' : trpcCode === 'NOT_FOUND' ? 'NOT_FOUND' : undefined);
  const message = (e as Error)?.message ?? String(e);
  if (code && CODE_OUTCOME[code]) return { outcome: CODE_OUTCOME[code]!, detail: `${code}: ${message}` };
  if (code && entry.passes?.includes(code)) return { outcome: '+', detail: `${code} (after the access check): ${message}` };
  return { outcome: '!', detail: `${code ?? trpcCode ?? 'error'}: ${message}` };
}

let env: Env;
const fixtures = {} as Record<Vis, Fixture>;

beforeAll(async () => {
  const gw = await startTestGateway();
  const admin = await createUser(gw.db, 'admin'); // the first account is the admin
  const teamA = await createTeam(gw.db, 'team-a');
  const teamB = await createTeam(gw.db, 'team-b');
  const teamC = await createTeam(gw.db, 'team-c');
  const users = {
    admin,
    owner: await createUser(gw.db, 'owner', { teamIds: [teamA] }),
    member: await createUser(gw.db, 'member', { teamIds: [teamA] }),
    viewer: await createUser(gw.db, 'viewer', { role: 'viewer', teamIds: [teamA] }),
    other: await createUser(gw.db, 'other', { teamIds: [teamB] }),
    bystander: await createUser(gw.db, 'bystander'),
  };
  let n = 0;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'authz-data-'));
  await writeFile(path.join(dir, 'authz.csv'), csv);
  process.env.DATASETS_DIR = dir;
  await updateSignUpSettings(gw.deps, admin, { open: true });
  const invitation = await createInvitation(gw.deps, admin, { email: 'matrix-invitee@example.test', role: 'member', teamIds: [], expiresInDays: 7 });
  const conversationId = crypto.randomUUID();
  await insertConversation(gw.db, { id: conversationId, ownerId: users.owner.id, title: 'the owner’s' });
  env = { gw, users, teamA, teamC, datasets: {}, invitationToken: invitation.token, conversationId, next: () => n++ };
  for (const actor of ['member', 'other', 'owner', 'admin'] as const) {
    env.datasets[actor] = (await evaluations.createDatasetFromCsv(gw.deps, users[actor], { name: `authz-${actor}`, csv })).id;
  }

  for (const vis of VISIBILITIES) {
    const v1 = await publishFixture(env, vis, 0);
    await publishFixture(env, vis, 1);
    const slug = v1.model.slug;
    await sharing.updateModelAccess(gw.deps, admin, { slug, productionRequiresApproval: true });
    await aliases.setAlias(gw.deps, admin, { slug, alias: 'production', version: 1 });
    const draft = await versions.createDraftVersion(gw.deps, users.owner, { slug, spec: await echoSpec(env) });
    const job = await jobs.submitJob(gw.deps, users.owner, { model: slug, inputs: [{ smiles: 'CCO' }] });
    const evaluation = await evaluations.startEvaluation(gw.deps, users.owner, { model: slug, datasetId: env.datasets.owner! });
    fixtures[vis] = { vis, slug, tag: `authz-tag-${vis}`, task: `authz/${vis}`, publishedId: v1.version.id, draftId: draft.id, jobId: job.id, evaluationId: evaluation.id };
  }
}, 300_000);

afterAll(async () => env?.gw.stop());

describe('the authorization matrix', () => {
  it('has an entry for every procedure of the router, and none for a procedure it does not have', () => {
    const procedures = Object.keys(appRouter._def.procedures).sort();
    const missing = procedures.filter((p) => !MATRIX[p]);
    const stale = Object.keys(MATRIX).filter((p) => !procedures.includes(p));
    expect(missing, `procedures without an entry in src/server/api/authz-matrix.int.test.ts (add one to MATRIX): ${missing.join(', ')}`).toEqual([]);
    expect(stale, `MATRIX entries for procedures the router does not have: ${stale.join(', ')}`).toEqual([]);
  });

  it('gives every caller exactly the outcome the table says, for every procedure and model', async () => {
    const callers = Object.fromEntries(
      ACTORS.map((a) => [a, createCaller({ ...env.gw.deps, viewer: a === 'anonymous' ? null : env.users[a], channel: 'api' })]),
    ) as Record<Actor, AnyCaller>;
    const unexpected: string[] = [];
    let cells = 0;
    for (const [name, entry] of Object.entries(MATRIX)) {
      for (const vis of VISIBILITIES) {
        const fx = fixtures[vis];
        for (const actor of ACTORS) {
          const want = entry.expect[actor][vis];
          const prepared = entry.prepare ? await entry.prepare(fx, env, actor) : undefined;
          let got: { outcome: Outcome | '!'; detail: string };
          try {
            const result = await entry.call(callers[actor], fx, env, prepared, actor);
            got = !entry.sees || entry.sees(result, fx, env) ? { outcome: '+', detail: 'answered' } : { outcome: 'N', detail: 'answered without the object' };
          } catch (e) {
            got = outcomeOf(e, entry);
          }
          cells++;
          if (got.outcome !== want) unexpected.push(`${name} × ${actor} × ${vis}: expected ${want}, got ${got.outcome} (${got.detail.slice(0, 300)})`);
        }
      }
    }
    expect(cells).toBe(Object.keys(MATRIX).length * ACTORS.length * VISIBILITIES.length);
    expect(unexpected, `${unexpected.length} unexpected outcomes of ${cells}:\n${unexpected.join('\n')}`).toEqual([]);
  }, 900_000);
});
