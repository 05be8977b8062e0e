import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { GrantLevel, ModelVisibility, Role, TokenScope } from '../../shared/permissions';

/** Database tables, written once by hand to match db/migrations. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T = unknown> = ColumnType<T, string | T, string | T>;

export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: string | null;
  password_hash: string | null;
  role: Generated<Role>;
  created_at: Timestamp;
  /** An admin disabled the account: it cannot sign in, and its sessions and tokens stop working. */
  disabled_at: NullableTimestamp;
}

export type { GrantLevel, ModelVisibility, Role, TokenScope };

export interface ApiTokensTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  token_hash: string;
  token_prefix: string;
  created_at: Timestamp;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  scopes: Generated<TokenScope[]>;
  expires_at: NullableTimestamp;
}

export interface ModelsTable {
  id: Generated<string>;
  slug: string;
  name: string;
  owner_id: string | null;
  visibility: Generated<ModelVisibility>;
  team_id: string | null;
  production_requires_approval: Generated<boolean>;
  task: string;
  description: Generated<string>;
  tags: Generated<string[]>;
  built_in: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type VersionStatus = 'draft' | 'validated' | 'published' | 'deprecated';

export interface ModelVersionsTable {
  id: Generated<string>;
  model_id: string;
  version: number;
  status: Generated<VersionStatus>;
  runtime: Json<Record<string, unknown>>;
  input_schema: Json<Record<string, unknown>>;
  output_schema: Json<Record<string, unknown>>;
  resources: Json<Record<string, unknown>>;
  batch_size: number;
  timeout_ms: number;
  example: Json<Record<string, unknown> | null>;
  digest: string;
  created_by: string | null;
  created_at: Timestamp;
  smoke_test: Json<SmokeTestRecord | null>;
  published_at: NullableTimestamp;
  updated_at: Timestamp;
  network_allowed: Generated<boolean>;
  /** Where the version came from (db/migrations/0050): training data, code and hyper-parameters, or what a consensus was fitted on. */
  provenance: Json<Record<string, unknown> | null>;
  /** Whether successful outputs are kept in and answered from the result cache (db/migrations/0062). */
  cache_enabled: Generated<boolean>;
}

/** The last smoke test of a version: its example run through the real executor. */
export interface SmokeTestRecord {
  ok: boolean;
  at: string;
  jobId: string | null;
  input: Record<string, unknown> | null;
  output: Record<string, unknown> | null;
  code: string | null;
  message: string | null;
  durationMs: number | null;
}

export interface ModelAliasesTable {
  model_id: string;
  name: string;
  version_id: string;
  updated_by: string | null;
  updated_at: Timestamp;
}

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface JobsTable {
  id: Generated<string>;
  owner_id: string;
  model_version_id: string;
  status: Generated<JobStatus>;
  items_total: number;
  items_done: Generated<number>;
  items_failed: Generated<number>;
  tasks_total: number;
  tasks_done: Generated<number>;
  label: string | null;
  parent_job_id: string | null;
  member_key: string | null;
  idempotency_key: Generated<string | null>;
  request_hash: Generated<string | null>;
  /** Measured so far (a consensus job's include its members'); numeric comes back as a string. */
  cpu_seconds: Generated<number>;
  gpu_seconds: Generated<number>;
  cost: ColumnType<string, string | number | undefined, string | number>;
  estimated_cpu_seconds: number | null;
  estimated_gpu_seconds: number | null;
  estimated_cost: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  currency: string | null;
  /** The team the job is charged to. */
  team_id: string | null;
  /** The API token that submitted it (db/migrations/0063), whose webhooks hear of it. */
  token_id: Generated<string | null>;
  /** A webhook of the job itself was created (db/migrations/0068). */
  webhooked: Generated<boolean>;
  created_at: Timestamp;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  updated_at: Timestamp;
}

/** One item of a task: its index in the job and its canonical input. */
export interface TaskItem {
  index: number;
  input: Record<string, unknown>;
  /** What the caller sent, when canonicalisation changed it. */
  submitted?: Record<string, unknown>;
  /** The caller's own name for the item (a file's id or name column). */
  externalId?: string;
  /**
   * An uploaded file's item, not yet canonicalised: its molecule field holds the file's SMILES or
   * MOL block as is, and the worker prepares it before running (src/server/uploads/raw-items.ts).
   */
  raw?: 'smiles' | 'molblock';
  /** The uploaded file's line the item came from, for its error messages. */
  line?: number;
}

export interface TasksTable {
  id: Generated<string>;
  job_id: string;
  task_index: number;
  items: Json<TaskItem[]>;
  status: Generated<'queued' | 'running' | 'done' | 'failed'>;
  attempts: Generated<number>;
  error: string | null;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  /** When the queue gave up on it (db/migrations/0043); cleared when an admin retries it. */
  dead_lettered_at: NullableTimestamp;
  retried_at: NullableTimestamp;
  retried_by: string | null;
}

/** One worker process's liveness (db/migrations/0043). */
export interface WorkerHeartbeatsTable {
  id: string;
  host: string;
  pid: number;
  started_at: Timestamp;
  last_seen_at: Timestamp;
  stopped_at: NullableTimestamp;
  executors: Generated<string[]>;
  tasks_running: Generated<number>;
  tasks_finished: Generated<number>;
}

export interface ResultsTable {
  job_id: string;
  item_index: number;
  status: 'succeeded' | 'failed';
  input: Json<Record<string, unknown>>;
  submitted: Json<Record<string, unknown> | null>;
  output: Json<Record<string, unknown> | null>;
  error_code: string | null;
  error: string | null;
  task_id: string | null;
  attempt: Generated<number>;
  duration_ms: number | null;
  executor: string | null;
  version_digest: string | null;
  /** The caller's own name for the item (a file's id or name column). */
  external_id: string | null;
  /** This item's share of its batch's measured model time, and the CPU-/GPU-seconds it makes. */
  model_ms: number | null;
  cpu_seconds: number | null;
  gpu_seconds: number | null;
  created_at: Timestamp;
  /** Set when the result was answered from the result cache: where it was first computed. */
  cached_from: Json<CachedFrom | null>;
}

/** The result a cached one was copied from. */
export interface CachedFrom {
  jobId: string;
  index: number;
}

/** A version's successful output for one canonical input (db/migrations/0062). */
export interface ResultCacheTable {
  version_digest: string;
  input_key: string;
  output: Json<Record<string, unknown>>;
  source_job_id: string;
  source_item_index: number;
  /** The canonical input an entry keyed by a file's raw molecule became (db/migrations/0064). */
  input: Json<Record<string, unknown> | null>;
  created_at: Generated<Date>;
}

/** A large finished job's numeric output field, copied out for indexed sorting (db/migrations/0067). */
export interface ResultSortKeysTable {
  job_id: string;
  field: string;
  item_index: number;
  num: number | null;
}

/** Which (job, field) sort keys exist or are being written (db/migrations/0067). */
export interface ResultSortFieldsTable {
  job_id: string;
  field: string;
  status: 'building' | 'ready';
  rows: number | null;
  requested_at: Generated<Date>;
}

export type UsageSubject = 'user' | 'team';
export type UsagePeriod = 'day' | 'month';

/** Items submitted per subject and UTC day or month (db/migrations/0041; time moved to usage_time in 0069). */
export interface UsageCountersTable {
  subject_type: UsageSubject;
  subject_id: string;
  period: UsagePeriod;
  period_start: ColumnType<string, string, string>;
  items: Generated<number>;
}

/** Measured model time and its cost per subject and period (db/migrations/0069), apart from the items' rows. */
export interface UsageTimeTable {
  subject_type: UsageSubject;
  subject_id: string;
  period: UsagePeriod;
  period_start: ColumnType<string, string, string>;
  cpu_seconds: Generated<number>;
  gpu_seconds: Generated<number>;
  cost: ColumnType<string, string | number | undefined, string | number>;
}

/** Sums over a subject's active top-level jobs, one row per connection that changed them (db/migrations/0070). */
export interface ActiveCountersTable {
  subject_type: UsageSubject;
  subject_id: string;
  shard: number;
  jobs: ColumnType<string, never, never>;
  cpu_seconds: ColumnType<string, never, never>;
  gpu_seconds: ColumnType<string, never, never>;
}

/** Limits of a user, a team, or the default for users (db/migrations/0042); null is no limit. */
export interface QuotasTable {
  subject_type: 'default' | UsageSubject;
  subject_id: string | null;
  concurrent_jobs: number | null;
  items_per_day: number | null;
  cpu_seconds_per_month: number | null;
  gpu_seconds_per_month: number | null;
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface DatasetsTable {
  id: Generated<string>;
  owner_id: string | null;
  name: string;
  source: string;
  value_name: string;
  units: string | null;
  row_count: number;
  created_at: Timestamp;
}

export interface DatasetRowsTable {
  dataset_id: string;
  row_index: number;
  smiles: string;
  measured: number;
}

export interface EvaluationsTable {
  id: Generated<string>;
  owner_id: string;
  dataset_id: string;
  job_id: string;
  output_field: string;
  /** k of k-fold cross-validation (db/migrations/0050); null: in-sample only. */
  folds: number | null;
  seed: Generated<number>;
  created_at: Timestamp;
}

/** A held-out molecule's prediction by the model retrained without its fold. */
export interface FoldPrediction {
  value: number | null;
  /** The model's applicability domain for it, when the model reports one (relative to the fold's training set). */
  inDomain?: boolean;
  error?: string;
}

/** One fold of a trained model in a cross-validated evaluation (db/migrations/0050). */
export interface EvaluationFoldsTable {
  evaluation_id: string;
  /** The consensus member's key, or '' for the evaluated model itself. */
  member_key: string;
  fold: number;
  model_version_id: string;
  field: string;
  status: Generated<'queued' | 'running' | 'succeeded' | 'failed'>;
  /** Dataset row index → the fold model's prediction (null value and the reason when it failed that molecule). */
  predictions: Json<Record<string, FoldPrediction> | null>;
  train_count: number | null;
  test_count: number | null;
  failed_count: number | null;
  error: string | null;
  attempts: Generated<number>;
  created_at: Timestamp;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
}

export interface BundlesTable {
  digest: string;
  store: 'db' | 's3';
  format: 'tar.gz' | 'zip';
  size_bytes: number;
  unpacked_bytes: number;
  files: number;
  manifest: Json<Record<string, unknown> | null>;
  uploaded_by: string | null;
  created_at: Timestamp;
}

export interface BundleBlobsTable {
  digest: string;
  content: Buffer;
}

/** A per-task token of a Kubernetes pod (db/migrations/0010): only its hash is stored. */
export interface TaskTokensTable {
  token_hash: string;
  task_id: string;
  expires_at: Timestamp;
  created_at: Timestamp;
}

/** Where a mutation came from: the web UI, a script over HTTP, the SDK, the chat agent, or the gateway itself. */
export type AuditChannel = 'ui' | 'api' | 'sdk' | 'agent' | 'system';

/** One entry of the append-only, hash-chained audit log (db/migrations/0040). */
export interface AuditLogTable {
  seq: number;
  id: Generated<string>;
  at: Timestamp;
  actor_id: string | null;
  actor_email: string | null;
  actor_role: string | null;
  channel: AuditChannel;
  request_id: string | null;
  procedure: string | null;
  action: string;
  entity_type: string | null;
  entity_id: string | null;
  before: Json<unknown> | null;
  after: Json<unknown> | null;
  input: Json<unknown> | null;
  outcome: 'ok' | 'error';
  error_code: string | null;
  error_message: string | null;
  prev_hash: string;
  hash: string;
}

/** The chain's head: the last entry's position and hash, locked by every append. */
export interface AuditHeadTable {
  singleton: boolean;
  seq: number;
  hash: string;
}

/** The organisation's settings: one row (db/migrations/0030). */
export interface OrganisationSettingsTable {
  id: Generated<boolean>;
  name: Generated<string>;
  signup_open: Generated<boolean>;
  signup_domains: Generated<string[]>;
  setup_token_hash: string | null;
  setup_token_expires_at: NullableTimestamp;
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface TeamsTable {
  id: Generated<string>;
  name: string;
  description: Generated<string>;
  created_by: string | null;
  created_at: Timestamp;
}

export interface TeamMembersTable {
  team_id: string;
  user_id: string;
  added_by: string | null;
  added_at: Timestamp;
}

/** A model shared with one user or one team, at a level. */
export interface ModelGrantsTable {
  id: Generated<string>;
  model_id: string;
  user_id: string | null;
  team_id: string | null;
  level: GrantLevel;
  created_by: string | null;
  created_at: Timestamp;
}

export interface InvitationsTable {
  id: Generated<string>;
  email: string;
  role: Role;
  team_ids: Generated<string[]>;
  token_hash: string;
  invited_by: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  accepted_at: NullableTimestamp;
  accepted_user_id: string | null;
  revoked_at: NullableTimestamp;
}

/** A browser session; the session cookie carries its id. */
export interface SessionsTable {
  id: Generated<string>;
  user_id: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: NullableTimestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface SignInThrottleTable {
  key: string;
  failures: Generated<number>;
  window_started_at: Timestamp;
  locked_until: NullableTimestamp;
}

export type PromotionStatus = 'pending' | 'approved' | 'rejected' | 'cancelled';

export interface PromotionRequestsTable {
  id: Generated<string>;
  model_id: string;
  alias: string;
  from_version_id: string | null;
  to_version_id: string;
  requested_by: string | null;
  reason: Generated<string>;
  status: Generated<PromotionStatus>;
  decided_by: string | null;
  decided_at: NullableTimestamp;
  decision_note: Generated<string>;
  created_at: Timestamp;
}

export interface AliasEventsTable {
  id: Generated<number>;
  model_id: string;
  alias: string;
  from_version_id: string | null;
  to_version_id: string | null;
  from_version: number | null;
  to_version: number | null;
  actor_id: string | null;
  approved_by: string | null;
  request_id: string | null;
  reason: Generated<string>;
  created_at: Timestamp;
}

export interface AgentConversationsTable {
  id: string;
  owner_id: string;
  title: Generated<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AgentMessagesTable {
  conversation_id: string;
  id: string;
  seq: number;
  role: 'user' | 'assistant';
  /** An AI SDK UIMessage. */
  message: Json<Record<string, unknown>>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type AgentApprovalStatus = 'pending' | 'approved' | 'denied' | 'executed';

export interface AgentApprovalsTable {
  id: string;
  conversation_id: string;
  owner_id: string;
  tool_call_id: string;
  tool: string;
  arguments: Json<unknown>;
  reason: string | null;
  status: Generated<AgentApprovalStatus>;
  requested_at: Timestamp;
  decided_at: NullableTimestamp;
  executed_at: NullableTimestamp;
}

export interface AgentToolCallsTable {
  id: Generated<string>;
  owner_id: string;
  surface: 'chat' | 'mcp';
  conversation_id: string | null;
  tool_call_id: string | null;
  tool: string;
  arguments: Json<unknown>;
  outcome: 'ok' | 'error' | 'refused';
  error_code: string | null;
  error_message: string | null;
  approval_id: string | null;
  duration_ms: number | null;
  created_at: Timestamp;
}

export type UploadFormat = 'csv' | 'tsv' | 'smi' | 'sdf';
export type UploadStatus = 'receiving' | 'ready' | 'failed' | 'used';

/** A file a user sent, parsed into `upload_rows` as it streamed in (db/migrations/0060). */
export interface UploadsTable {
  id: Generated<string>;
  owner_id: string;
  filename: string;
  format: UploadFormat;
  gzip: Generated<boolean>;
  status: Generated<UploadStatus>;
  rows_total: Generated<number>;
  rows_bad: Generated<number>;
  bytes: Generated<number>;
  id_column: string | null;
  smiles_column: string | null;
  error: string | null;
  /** The job it was submitted as. */
  job_id: Generated<string | null>;
  created_at: Timestamp;
}

/** One line or SDF record of an upload: good ones numbered by `row_index`, bad ones with `error`. */
export interface UploadRowsTable {
  upload_id: string;
  line_no: number;
  row_index: number | null;
  external_id: string | null;
  smiles: string | null;
  molblock: string | null;
  error: string | null;
}

export type WebhookEvent = 'started' | 'progress' | 'succeeded' | 'failed' | 'cancelled';
export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

/** Where a job's lifecycle events are sent (db/migrations/0063): one job's, or a token's jobs'. */
export interface WebhooksTable {
  id: Generated<string>;
  owner_id: string;
  url: string;
  /** Sealed with the gateway's secret key. */
  secret: string;
  job_id: string | null;
  token_id: string | null;
  events: Generated<WebhookEvent[]>;
  progress_step: Generated<number>;
  created_at: Timestamp;
  disabled_at: NullableTimestamp;
}

export interface WebhookDeliveriesTable {
  id: Generated<string>;
  webhook_id: string;
  job_id: string | null;
  event: WebhookEvent;
  payload: Json<Record<string, unknown>>;
  status: Generated<WebhookDeliveryStatus>;
  attempts: Generated<number>;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: NullableTimestamp;
  replay_of: string | null;
  created_at: Timestamp;
  delivered_at: NullableTimestamp;
}

export interface DB {
  uploads: UploadsTable;
  upload_rows: UploadRowsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  usage_counters: UsageCountersTable;
  usage_time: UsageTimeTable;
  active_counters: ActiveCountersTable;
  quotas: QuotasTable;
  worker_heartbeats: WorkerHeartbeatsTable;
  organisation_settings: OrganisationSettingsTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  model_grants: ModelGrantsTable;
  invitations: InvitationsTable;
  sessions: SessionsTable;
  sign_in_throttle: SignInThrottleTable;
  promotion_requests: PromotionRequestsTable;
  alias_events: AliasEventsTable;
  bundles: BundlesTable;
  bundle_blobs: BundleBlobsTable;
  agent_conversations: AgentConversationsTable;
  agent_messages: AgentMessagesTable;
  agent_approvals: AgentApprovalsTable;
  agent_tool_calls: AgentToolCallsTable;
  datasets: DatasetsTable;
  dataset_rows: DatasetRowsTable;
  evaluations: EvaluationsTable;
  evaluation_folds: EvaluationFoldsTable;
  users: UsersTable;
  api_tokens: ApiTokensTable;
  models: ModelsTable;
  model_versions: ModelVersionsTable;
  model_aliases: ModelAliasesTable;
  jobs: JobsTable;
  tasks: TasksTable;
  results: ResultsTable;
  result_cache: ResultCacheTable;
  result_sort_keys: ResultSortKeysTable;
  result_sort_fields: ResultSortFieldsTable;
  task_tokens: TaskTokensTable;
}

export type UserRow = Selectable<UsersTable>;
export type ModelRow = Selectable<ModelsTable>;
export type ModelVersionRow = Selectable<ModelVersionsTable>;
export type JobRow = Selectable<JobsTable>;
export type TaskRow = Selectable<TasksTable>;
export type ResultRow = Selectable<ResultsTable>;
export type NewResult = Insertable<ResultsTable>;
export type JobUpdate = Updateable<JobsTable>;
export type AuditLogRow = Selectable<AuditLogTable>;
