import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from 'react';

interface FieldProps {
  id: string;
  label: string;
  hint?: string;
}

/** A label above its control, the hint below tied to it (`aria-describedby`). */
function Field({
  id,
  label,
  hint,
  control,
}: FieldProps & { control(hintId: string | undefined): ReactNode }) {
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {control(hintId)}
      {hint ? (
        <span className="hint" id={hintId}>
          {hint}
        </span>
      ) : null}
    </div>
  );
}

/** A labelled input. */
export function TextField({ id, label, hint, ...input }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <Field
      id={id}
      label={label}
      hint={hint}
      control={(hintId) => <input id={id} name={id} aria-describedby={hintId} {...input} />}
    />
  );
}

/** A labelled select. */
export function SelectField({
  id,
  label,
  hint,
  children,
  ...select
}: FieldProps & SelectHTMLAttributes<HTMLSelectElement> & { children: ReactNode }) {
  return (
    <Field
      id={id}
      label={label}
      hint={hint}
      control={(hintId) => (
        <select id={id} name={id} aria-describedby={hintId} {...select}>
          {children}
        </select>
      )}
    />
  );
}
