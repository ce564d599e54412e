// A labelled <select> whose accessible name is exactly its label (a wrapping <label> would also
// read out the selected option), shared by the wiring and statistics panels.
import { useId, type ReactNode } from 'react';

export interface SelectFieldProps {
  label: string;
  value: string | number;
  onChange(value: string): void;
  disabled?: boolean;
  children: ReactNode;
}

export function SelectField({ label, value, onChange, disabled = false, children }: SelectFieldProps) {
  const id = useId();
  return (
    <span className="inline-field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
        {children}
      </select>
    </span>
  );
}
