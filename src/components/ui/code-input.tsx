import type { ComponentProps } from 'react';

interface Props extends Omit<ComponentProps<'input'>, 'className' | 'value' | 'onChange'> {
  value: string;
  onChange: (value: string) => void;
  testId?: string;
}

/** A one-line input for code, names, paths and SMILES: monospace, without spell-checking. */
export function CodeInput({ value, onChange, testId, ...rest }: Props) {
  return <input className="input mono" value={value} onChange={(e) => onChange(e.target.value)} spellCheck={false} data-testid={testId} {...rest} />;
}
