import type { ComponentChildren } from 'preact';

export type FieldErrors = Record<string, string | undefined>;

/** A labelled input with its error next to it, as every back-office form uses. */
export function Field(props: {
  name: string;
  label: string;
  errors?: FieldErrors;
  value?: string | number | null;
  type?: string;
  hint?: string;
  autocomplete?: string;
  required?: boolean;
  inputMode?: 'numeric' | 'text' | 'decimal';
  maxLength?: number;
  children?: ComponentChildren;
}) {
  const error = props.errors?.[props.name];
  const describedBy = [props.hint ? `${props.name}-hint` : '', error ? `${props.name}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${error ? ' has-error' : ''}`}>
      <label for={props.name}>{props.label}</label>
      {props.hint && (
        <p class="hint" id={`${props.name}-hint`}>
          {props.hint}
        </p>
      )}
      {props.children ?? (
        <input
          id={props.name}
          name={props.name}
          type={(props.type ?? 'text') as 'text'}
          value={props.value ?? ''}
          autocomplete={props.autocomplete}
          required={props.required}
          inputMode={props.inputMode}
          maxLength={props.maxLength}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={describedBy}
        />
      )}
      {error && (
        <p class="field-error" id={`${props.name}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

export function ErrorSummary({ errors }: { errors: FieldErrors }) {
  const list = Object.entries(errors).filter(([, v]) => v);
  if (list.length === 0) return null;
  return (
    <div class="notice notice-error" role="alert">
      <p>{list.length === 1 ? 'Please correct the highlighted field.' : `Please correct the ${list.length} highlighted fields.`}</p>
    </div>
  );
}

/** First error message per field from a zod result. */
export function fieldErrors(issues: { path: PropertyKey[]; message: string }[]): FieldErrors {
  const out: FieldErrors = {};
  for (const i of issues) {
    const key = String(i.path[0] ?? 'form');
    out[key] ??= i.message;
  }
  return out;
}

export function Csrf({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}
