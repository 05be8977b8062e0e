import { slugOfRef } from './model-ref';

/** A consensus member's key in results and metrics: its name, else the slug it refers to. */
export function memberKey(m: { ref: string; name?: string | null }): string {
  return m.name?.trim() || slugOfRef(m.ref);
}
