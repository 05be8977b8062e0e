const SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;

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

/** What is wrong with a slug, or null; the same rule the server applies. */
export function slugProblem(slug: string): string | null {
  if (!slug) return 'choose a slug: callers name the model by it';
  if (!SLUG.test(slug)) return 'use 2–63 lowercase letters, digits and dashes, starting with a letter or digit';
  // /models/new is the wizard, so a model called "new" could never be opened.
  if (slug === 'new') return '"new" is reserved; choose another slug';
  return null;
}
