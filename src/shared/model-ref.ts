/**
 * How models, versions and aliases are named: one grammar for the server, the client and the SDK.
 * A reference is `slug` (the newest published version), `slug@3`, `slug@latest` or `slug@<alias>`.
 */

/** Letters (case kept, as in logS), digits and dashes; unique whatever the case. */
export const SLUG_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9-]{1,62}$/;
/** An alias: a lowercase word such as `production`. */
export const ALIAS_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;
/** Slugs that name pages rather than models (`/models/new` is the wizard). */
export const RESERVED_SLUGS: readonly string[] = ['new'];
/** Version numbers are stored as PostgreSQL integers. */
export const MAX_VERSION_NUMBER = 2_147_483_647;

const REF_PATTERN = /^([a-zA-Z0-9][a-zA-Z0-9-]{1,62})(?:@([a-z0-9][a-z0-9-]{0,31}))?$/;

export type VersionSelector = { kind: 'latest' } | { kind: 'number'; version: number } | { kind: 'alias'; alias: string };

export interface ParsedModelRef {
  slug: string;
  selector: VersionSelector;
}

/** Parses a model reference; null when it does not follow the grammar (or names a version past int32). */
export function parseModelRef(ref: string): ParsedModelRef | null {
  const match = REF_PATTERN.exec(ref.trim());
  if (!match) return null;
  const [, slug, tag = 'latest'] = match;
  if (tag === 'latest') return { slug, selector: { kind: 'latest' } };
  if (/^\d+$/.test(tag)) {
    const version = Number(tag);
    return version >= 1 && version <= MAX_VERSION_NUMBER ? { slug, selector: { kind: 'number', version } } : null;
  }
  return { slug, selector: { kind: 'alias', alias: tag } };
}

/** The part before `@`: which model a reference names. */
export function slugOfRef(ref: string): string {
  return ref.split('@')[0];
}

/** What is wrong with a slug, or null. */
export function slugProblem(slug: string): string | null {
  if (!slug) return 'choose a slug: callers name the model by it';
  if (!SLUG_PATTERN.test(slug)) return 'use 2–63 letters, digits and dashes, starting with a letter or digit';
  if (RESERVED_SLUGS.includes(slug.toLowerCase())) return `"${slug}" is reserved; choose another slug`;
  return null;
}

/** What is wrong with an alias name, or null. */
export function aliasProblem(alias: string): string | null {
  if (!alias) return 'name the alias';
  if (alias === 'latest') return '"latest" always means the newest version; choose another name';
  if (!ALIAS_PATTERN.test(alias)) return 'an alias is a lowercase word, e.g. production or staging';
  return null;
}

/** A slug proposed from a model's name: lowercase words joined by dashes. */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}
