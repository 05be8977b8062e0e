import type { TRuntimeSpec } from './models.schema';
import type { GrantLevel, ModelVisibility, SmokeTestRecord, VersionStatus } from '../db/types';
import type { ModelAccess } from '../../shared/permissions';

export interface ModelSummary {
  id: string;
  slug: string;
  name: string;
  task: string;
  description: string;
  tags: string[];
  builtIn: boolean;
  ownerId: string | null;
  ownerEmail: string | null;
  latestVersion: number | null;
  /** Runtime of the latest published version (or of the latest draft): process, http, kubernetes, consensus. */
  runtimeKind: 'process' | 'http' | 'kubernetes' | 'consensus' | null;
  createdAt: string;
  /** Who may see it: `private` (owner and grants), `team` (the owning team), `organisation` (everyone). */
  visibility: ModelVisibility;
  /** The owning team (whose members see a `team` model and whose maintainers maintain it), or null. */
  teamId: string | null;
  teamName: string | null;
  /** Moving `production` waits for an approver (a maintainer or an admin). */
  productionRequiresApproval: boolean;
  /** The highest grant the asking viewer holds on it, or null. */
  viewerGrant: GrantLevel | null;
  /** What the asking viewer may do with it (src/shared/permissions.ts). */
  access: ModelAccess;
}

export interface ModelVersion {
  id: string;
  modelId: string;
  slug: string;
  version: number;
  status: VersionStatus;
  /** As stored: header and env values are sealed secrets (src/server/secrets), masked in every answer. */
  runtime: TRuntimeSpec;
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown>;
  resources: Record<string, unknown>;
  batchSize: number;
  timeoutMs: number;
  example: Record<string, unknown> | null;
  digest: string;
  createdAt: string;
  publishedAt: string | null;
  smokeTest: SmokeTestRecord | null;
  /** An admin let this version's sandbox reach the network (its runtime asked with `network: true`). */
  networkAllowed: boolean;
  /** Whether its successful outputs are kept and answered from the result cache (the owner may turn it off). */
  cacheEnabled: boolean;
  /** Where it came from: a trained model's data, code and hyper-parameters; a fitted consensus's evaluation and cross-validation table. */
  provenance?: Record<string, unknown> | null;
}

export interface ModelDetail extends ModelSummary {
  versions: ModelVersion[];
  /** Alias name → version number. */
  aliases: Record<string, number>;
}
