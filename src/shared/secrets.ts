/**
 * What every answer shows in place of a secret (a value of an HTTP model's `runtime.headers` or of
 * a model's `runtime.env`): it says a value is set. Sent back unchanged on an edit, it keeps the
 * stored value; any other string replaces it.
 */
export const SECRET_MASK = '••••••';

export const isSecretMask = (v: unknown): boolean => v === SECRET_MASK;
