import type { ReactNode } from 'react';

interface Props {
  label: ReactNode;
  /** Marks the field with a red asterisk. */
  required?: boolean;
  /** A muted note after the label: units, what the value is for. */
  hint?: ReactNode;
  /** The input, then what goes under it (a note, a FieldError). */
  children: ReactNode;
}

/** A form field: its label, then the input and the messages under it. */
export function Field({ label, required, hint, children }: Props) {
  return (
    <label className="field">
      <span>
        {label}
        {required && (
          <>
            {' '}
            <span className="req">*</span>
          </>
        )}
        {hint && (
          <>
            {' '}
            <small className="muted">{hint}</small>
          </>
        )}
      </span>
      {children}
    </label>
  );
}
