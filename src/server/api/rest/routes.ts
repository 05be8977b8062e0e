/**
 * The REST surface's shape: which tRPC procedure answers which method and path under /api/v1.
 * The procedure stays the one definition of the operation (its zod input, its permission check,
 * its service call); a row here adds only the HTTP address, so the handler and the OpenAPI
 * document are both generated from this table and the router. Kept apart from the routers so that
 * changing a procedure's builder never touches its address.
 */
export type RestMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RestRoute {
  method: RestMethod;
  /** Under /api/v1, with `{name}` segments. */
  path: string;
  /** The procedure's dotted path in appRouter, e.g. `jobs.get`. */
  procedure: string;
  summary: string;
  tag: 'models' | 'versions' | 'jobs' | 'evaluations' | 'datasets' | 'account' | 'sharing';
  /** Path segment → input field when they are named differently (`{id}` → `jobId`). */
  params?: Record<string, string>;
  /** The procedure answers nothing: 204. */
  noContent?: boolean;
}

export const REST_ROUTES: readonly RestRoute[] = [
  // Catalog and models
  { method: 'GET', path: '/models', procedure: 'models.list', tag: 'models', summary: 'List the models you can see (search, task, tag, owner, status; paginated)' },
  { method: 'POST', path: '/models', procedure: 'models.create', tag: 'models', summary: 'Create a model (its name, task and tags; versions are added as drafts)' },
  { method: 'GET', path: '/models/{slug}', procedure: 'models.get', tag: 'models', summary: 'A model with its versions and aliases' },
  { method: 'PATCH', path: '/models/{slug}', procedure: 'models.update', tag: 'models', summary: "Change a model's name, task, description or tags" },
  { method: 'GET', path: '/models/{slug}/usage', procedure: 'models.usage', tag: 'models', summary: 'Calls, items and failures per day over the last days' },
  {
    method: 'POST',
    path: '/models/{model}/predict',
    procedure: 'models.predict',
    tag: 'models',
    summary: 'Run one input through a model (`slug`, `slug@3` or `slug@production`) and answer its output',
  },
  { method: 'PUT', path: '/models/{slug}/aliases/{alias}', procedure: 'models.setAlias', tag: 'models', summary: 'Point an alias at a published version (`version: null` removes it)' },
  { method: 'POST', path: '/models/{slug}/versions', procedure: 'versions.createDraft', tag: 'versions', summary: 'Add a draft version to a model' },
  { method: 'POST', path: '/manifests', procedure: 'models.registerManifest', tag: 'models', summary: 'Register a model from its manifest (model.json): smoke-tested, then published unless `publish: false`' },
  { method: 'GET', path: '/drafts', procedure: 'models.drafts', tag: 'models', summary: 'Your models that have only drafts' },
  { method: 'GET', path: '/tasks', procedure: 'models.tasks', tag: 'models', summary: 'The tasks of the models you can see, with counts' },
  { method: 'GET', path: '/tags', procedure: 'models.tags', tag: 'models', summary: 'The tags of the models you can see, with counts' },
  { method: 'POST', path: '/schemas/infer', procedure: 'models.inferSchemas', tag: 'models', summary: 'Infer input and output JSON Schemas from an example input and output' },
  { method: 'POST', path: '/http-check', procedure: 'models.checkHttp', tag: 'models', summary: 'Check that a served (http) model answers, before registering it' },
  { method: 'GET', path: '/models/{slug}/alias-history', procedure: 'models.aliasHistory', tag: 'models', summary: 'Every alias move of a model, newest first: who, from, to, when, why, and who approved it' },
  { method: 'GET', path: '/models/{slug}/evaluations', procedure: 'models.evaluations', tag: 'models', summary: 'The evaluations run on each version of a model, with their metrics' },
  // Sharing
  { method: 'PATCH', path: '/models/{slug}/access', procedure: 'models.updateAccess', tag: 'sharing', summary: "A model's visibility, owning team and whether moving production needs approval" },
  { method: 'GET', path: '/models/{slug}/grants', procedure: 'grants.list', tag: 'sharing', summary: 'Who a model is shared with (view, run, maintain)' },
  { method: 'POST', path: '/models/{slug}/grants', procedure: 'grants.create', tag: 'sharing', summary: 'Share a model with an account or a team' },
  { method: 'DELETE', path: '/grants/{grantId}', procedure: 'grants.revoke', tag: 'sharing', summary: 'Withdraw a grant' },
  { method: 'GET', path: '/promotions', procedure: 'promotions.list', tag: 'sharing', summary: 'Alias moves waiting for (or decided by) an approver' },
  { method: 'POST', path: '/promotions/{id}/approve', procedure: 'promotions.approve', tag: 'sharing', summary: 'Approve a pending alias move (maintainers of the model and admins, never its requester)' },
  { method: 'POST', path: '/promotions/{id}/reject', procedure: 'promotions.reject', tag: 'sharing', summary: 'Reject a pending alias move' },
  { method: 'POST', path: '/promotions/{id}/cancel', procedure: 'promotions.cancel', tag: 'sharing', summary: 'Withdraw your own pending alias move' },
  { method: 'GET', path: '/teams', procedure: 'teams.list', tag: 'sharing', summary: "Every team's name, to share a model with" },
  // Versions
  { method: 'GET', path: '/versions/{versionId}', procedure: 'versions.get', tag: 'versions', summary: 'A version you may edit, with its runtime spec' },
  { method: 'PATCH', path: '/versions/{versionId}', procedure: 'versions.update', tag: 'versions', summary: "Replace a draft's spec" },
  { method: 'POST', path: '/versions/{versionId}/smoke-test', procedure: 'versions.smokeTest', tag: 'versions', summary: "Run the version's example (or the given input) through the worker" },
  { method: 'POST', path: '/versions/{versionId}/publish', procedure: 'versions.publish', tag: 'versions', summary: 'Publish a validated draft, optionally pointing aliases at it' },
  { method: 'POST', path: '/versions/{versionId}/deprecate', procedure: 'versions.deprecate', tag: 'versions', summary: 'Deprecate a published version' },
  { method: 'PUT', path: '/versions/{versionId}/cache', procedure: 'versions.setCache', tag: 'versions', summary: 'Answer repeated inputs of a version from the result cache (`enabled`, the default) or never' },
  { method: 'PUT', path: '/versions/{versionId}/network', procedure: 'versions.allowNetwork', tag: 'versions', summary: "Admins: allow (or withdraw) a version's network access from its sandbox" },
  // Jobs
  { method: 'GET', path: '/jobs', procedure: 'jobs.list', tag: 'jobs', summary: 'Your jobs, newest first (paginated)' },
  { method: 'POST', path: '/jobs', procedure: 'jobs.create', tag: 'jobs', summary: 'Submit a job: one model on 1 to 100,000 inputs (an idempotency key makes a retry safe)' },
  { method: 'GET', path: '/jobs/estimate', procedure: 'jobs.estimate', tag: 'jobs', summary: 'How long a job of `items` inputs on `model` would take' },
  { method: 'GET', path: '/jobs/{id}', procedure: 'jobs.get', tag: 'jobs', params: { id: 'jobId' }, summary: 'A job: status, counts, and consensus members' },
  { method: 'GET', path: '/jobs/{id}/results', procedure: 'jobs.results', tag: 'jobs', params: { id: 'jobId' }, summary: "A page of a job's results: `status`, `ranges` on output fields, `sort` by an output field or index, keyset `cursor` (from `nextCursor`) or `offset`" },
  { method: 'POST', path: '/jobs/{id}/cancel', procedure: 'jobs.cancel', tag: 'jobs', params: { id: 'jobId' }, summary: 'Cancel a job: items not yet run are never run' },
  // Uploads: the file itself goes to POST /api/uploads (a stream); these read and run it.
  { method: 'GET', path: '/uploads/{id}', procedure: 'uploads.get', tag: 'jobs', params: { id: 'uploadId' }, summary: 'An uploaded file: counts, a preview, its bad rows by line, and an estimate for `model`' },
  { method: 'POST', path: '/uploads/{id}/submit', procedure: 'uploads.submit', tag: 'jobs', params: { id: 'uploadId' }, summary: 'Run an uploaded file on a model as one job (up to 10,000,000 molecules)' },
  // Evaluations and datasets
  { method: 'GET', path: '/datasets', procedure: 'datasets.list', tag: 'datasets', summary: 'Datasets with measured values' },
  { method: 'POST', path: '/datasets', procedure: 'datasets.upload', tag: 'datasets', summary: 'Upload a dataset as CSV text (a SMILES column and a measured value)' },
  { method: 'POST', path: '/datasets/import', procedure: 'datasets.importFile', tag: 'datasets', summary: "Import a dataset from a file in the server's data folder" },
  { method: 'GET', path: '/evaluations', procedure: 'evaluations.list', tag: 'evaluations', summary: 'Evaluations, newest first (paginated)' },
  { method: 'POST', path: '/evaluations', procedure: 'evaluations.create', tag: 'evaluations', summary: 'Evaluate a model or consensus on a dataset (runs as a job)' },
  { method: 'GET', path: '/evaluations/{id}', procedure: 'evaluations.get', tag: 'evaluations', summary: 'An evaluation with its metrics' },
  { method: 'POST', path: '/evaluations/{id}/fit', procedure: 'evaluations.fit', tag: 'evaluations', summary: "Publish a consensus's next version with weights fitted on an evaluation" },
  { method: 'GET', path: '/consensus/strategies', procedure: 'evaluations.strategies', tag: 'evaluations', summary: 'The consensus strategies and what each does' },
  // Account
  { method: 'GET', path: '/me', procedure: 'me.get', tag: 'account', summary: 'Who the token belongs to: role, teams, scopes' },
  { method: 'GET', path: '/me/quota', procedure: 'quotas.mine', tag: 'account', summary: 'Your limits and what you have used this day and month' },
  { method: 'GET', path: '/me/sessions', procedure: 'me.sessions', tag: 'account', summary: 'Your signed-in browser sessions' },
  { method: 'GET', path: '/tokens', procedure: 'tokens.list', tag: 'account', summary: 'Your API tokens (never their secrets)' },
  { method: 'DELETE', path: '/tokens/{id}', procedure: 'tokens.revoke', tag: 'account', noContent: true, summary: 'Revoke an API token' },
  // Webhooks
  { method: 'GET', path: '/webhooks', procedure: 'webhooks.list', tag: 'jobs', summary: 'Your webhooks (`jobId` or `tokenId` filters); never their secrets' },
  {
    method: 'POST',
    path: '/webhooks',
    procedure: 'webhooks.create',
    tag: 'jobs',
    summary: "A webhook on one of your jobs (`jobId`) or on every job one of your tokens submits (`tokenId`); the answer holds its signing secret, shown once",
  },
  { method: 'DELETE', path: '/webhooks/{id}', procedure: 'webhooks.delete', tag: 'jobs', noContent: true, summary: 'Delete a webhook: nothing more is sent; its log stays' },
  { method: 'GET', path: '/webhooks/deliveries', procedure: 'webhooks.deliveries', tag: 'jobs', summary: 'The delivery log of a webhook (`webhookId`) or of a job (`jobId`), newest first (`cursor` pages)' },
  { method: 'POST', path: '/webhooks/deliveries/{deliveryId}/replay', procedure: 'webhooks.replay', tag: 'jobs', summary: "Send a delivery's payload again, as a new delivery with a new id" },
];

/**
 * Procedures with no REST address, and why. A procedure in neither list fails the REST test, so a
 * new procedure is given an address (or a reason) when it is added.
 */
const ADMIN_CONSOLE = 'the admin console (/admin) over tRPC; REST for administration is not offered yet';

export const REST_EXCLUDED: Readonly<Record<string, string>> = {
  'me.register': 'sign-up is a browser flow (the set-up token, then a session)',
  'me.signUpOptions': 'read by the sign-in page only',
  'tokens.create': 'tokens are made from a signed-in session, never with another token',
  'agent.status': 'the chat agent has its own routes (/api/agent/chat, /api/mcp)',
  'agent.conversations.list': 'the chat agent has its own routes',
  'agent.conversations.get': 'the chat agent has its own routes',
  'agent.conversations.delete': 'the chat agent has its own routes',
  'agent.toolCalls': 'the chat agent has its own routes',
  'me.invitation': 'read by the invitation page before its account exists',
  'me.endOtherSessions': 'a browser session ends the others; a token has no session',
  'admin.users.list': ADMIN_CONSOLE,
  'admin.users.create': ADMIN_CONSOLE,
  'admin.users.update': ADMIN_CONSOLE,
  'admin.users.revokeSessions': ADMIN_CONSOLE,
  'admin.teams.list': ADMIN_CONSOLE,
  'admin.teams.create': ADMIN_CONSOLE,
  'admin.teams.update': ADMIN_CONSOLE,
  'admin.teams.addMember': ADMIN_CONSOLE,
  'admin.teams.removeMember': ADMIN_CONSOLE,
  'admin.invitations.list': ADMIN_CONSOLE,
  'admin.invitations.create': ADMIN_CONSOLE,
  'admin.invitations.revoke': ADMIN_CONSOLE,
  'admin.signUp.get': ADMIN_CONSOLE,
  'admin.signUp.update': ADMIN_CONSOLE,
  'admin.tokens.list': ADMIN_CONSOLE,
  'admin.tokens.revoke': ADMIN_CONSOLE,
  'quotas.list': ADMIN_CONSOLE,
  'quotas.get': ADMIN_CONSOLE,
  'quotas.set': ADMIN_CONSOLE,
  'quotas.clear': ADMIN_CONSOLE,
  'operations.queues': ADMIN_CONSOLE,
  'operations.workers': ADMIN_CONSOLE,
  'operations.deadLetters': ADMIN_CONSOLE,
  'operations.retryDeadLetter': ADMIN_CONSOLE,
  'operations.modelStats': ADMIN_CONSOLE,
  'audit.list': ADMIN_CONSOLE,
  'cost.report': ADMIN_CONSOLE,
};
