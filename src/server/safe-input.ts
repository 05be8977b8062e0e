import { z } from 'zod';
import { jsonProblem, textProblem } from '../shared/input-hygiene';
import { inputLimits, LIMIT_ENV, type InputLimits } from './limits';

/**
 * Zod building blocks for text and JSON that reach the database: every free-text field and every
 * arbitrary JSON field of a procedure's input is one of these, so a NUL byte, a control character
 * or a 10,000-deep value is a 400 naming the field, never a 500.
 */

/** A string of at most `max` characters with no control characters (`multiline` admits tabs and line breaks). */
export function safeText(max: number, o: { multiline?: boolean } = {}) {
  return z
    .string()
    .max(max, `at most ${max} characters`)
    .superRefine((s, ctx) => {
      const problem = textProblem(s, o);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
}

/** Like safeText, trimmed, and not empty. */
export function safeName(max: number, emptyMessage: string) {
  return z
    .string()
    .trim()
    .min(1, emptyMessage)
    .max(max, `at most ${max} characters`)
    .superRefine((s, ctx) => {
      const problem = textProblem(s);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
}

/**
 * A JSON object of bounded depth and size whose strings and keys can be stored; `bytes` picks
 * which size limit applies (read when parsing, so the environment can change it).
 */
export function safeJsonObject(bytes: 'inputBytes' | 'schemaBytes' = 'inputBytes') {
  return z.record(z.string(), z.unknown()).superRefine((v, ctx) => {
    const limits = inputLimits();
    const problem = jsonProblem(v, { maxDepth: limits.jsonDepth, maxBytes: limits[bytes] });
    if (problem) {
      ctx.addIssue({ code: 'custom', message: `${problem.path ? `${problem.path} ` : ''}${problem.message}${limitHint(problem.message, bytes)}` });
    }
  });
}

function limitHint(message: string, bytes: keyof InputLimits): string {
  if (message.startsWith('is nested deeper')) return ` (${LIMIT_ENV.jsonDepth})`;
  if (message.startsWith('is larger than')) return ` (${LIMIT_ENV[bytes]})`;
  return '';
}
