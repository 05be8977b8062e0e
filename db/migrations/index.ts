import type { Migration } from 'kysely/migration';
import * as m0001 from './0001_create_core';
import * as m0002 from './0002_create_aliases';
import * as m0003 from './0003_create_consensus';
import * as m0006 from './0006_add_idempotency_keys';
import * as m0007 from './0007_create_bundles';
import * as m0008 from './0008_index_models_slug_case';
import * as m0010 from './0010_create_task_tokens';
import * as m0020 from './0020_create_agent';
import * as m0030 from './0030_create_identity';
import * as m0040 from './0040_create_audit_log';
import * as m0041 from './0041_add_cost_accounting';
import * as m0042 from './0042_create_quotas';
import * as m0043 from './0043_create_operations';
import * as m0050 from './0050_add_cross_validation';
import * as m0055 from './0055_add_result_external_id';
import * as m0060 from './0060_create_uploads';
import * as m0061 from './0061_index_results';
import * as m0062 from './0062_create_result_cache';
import * as m0063 from './0063_create_webhooks';
import * as m0064 from './0064_add_result_cache_input';
import * as m0066 from './0066_notify_job_finished';
import * as m0067 from './0067_create_result_sort_keys';
import * as m0068 from './0068_add_job_webhooked';
import * as m0069 from './0069_split_usage_time';
import * as m0070 from './0070_create_active_counters';

/** Every migration, in order. Add a new file and list it here. */
export const migrations: Record<string, Migration> = {
  '0001_create_core': m0001,
  '0002_create_aliases': m0002,
  '0003_create_consensus': m0003,
  '0006_add_idempotency_keys': m0006,
  '0007_create_bundles': m0007,
  '0008_index_models_slug_case': m0008,
  '0010_create_task_tokens': m0010,
  '0020_create_agent': m0020,
  '0030_create_identity': m0030,
  '0040_create_audit_log': m0040,
  '0041_add_cost_accounting': m0041,
  '0042_create_quotas': m0042,
  '0043_create_operations': m0043,
  '0050_add_cross_validation': m0050,
  '0055_add_result_external_id': m0055,
  '0060_create_uploads': m0060,
  '0061_index_results': m0061,
  '0062_create_result_cache': m0062,
  '0063_create_webhooks': m0063,
  '0064_add_result_cache_input': m0064,
  '0066_notify_job_finished': m0066,
  '0067_create_result_sort_keys': m0067,
  '0068_add_job_webhooked': m0068,
  '0069_split_usage_time': m0069,
  '0070_create_active_counters': m0070,
};
