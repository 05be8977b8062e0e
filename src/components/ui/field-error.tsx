/** A field's validation message, shown once the user has tried to submit (or edited the field). */
export function FieldError({ show, message, testId }: { show: boolean; message: string | null | undefined; testId?: string }) {
  if (!show || !message) return null;
  return (
    <small className="field-error" role="alert" data-testid={testId}>
      {message}
    </small>
  );
}
