import type { ComponentChildren } from 'preact';

/**
 * Form controls for pages with many small forms (one per variant or category), whose ids must be
 * unique on the page: the back office's Field names its input after the field, which repeats.
 */

export function describedBy(id: string, error?: string, hint?: string): string | undefined {
  return [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
}

export function ErrorText({ id, error }: { id: string; error?: string }) {
  if (!error) return null;
  return (
    <p class="field-error" id={`${id}-error`}>
      {error}
    </p>
  );
}

export function Hint({ id, hint }: { id: string; hint?: string }) {
  if (!hint) return null;
  return (
    <p class="hint" id={`${id}-hint`}>
      {hint}
    </p>
  );
}

export function TextInput(props: {
  id: string;
  name: string;
  label: string;
  value: string;
  error?: string;
  hint?: string;
  maxLength?: number;
  inputMode?: 'numeric' | 'text' | 'decimal';
  hideLabel?: boolean;
  size?: number;
  multiline?: boolean;
  type?: string;
}) {
  const common = {
    id: props.id,
    name: props.name,
    maxLength: props.maxLength,
    'aria-invalid': props.error ? ('true' as const) : undefined,
    'aria-describedby': describedBy(props.id, props.error, props.hint),
  };
  return (
    <div class={`field${props.error ? ' has-error' : ''}`}>
      <label for={props.id} class={props.hideLabel ? 'visually-hidden' : undefined}>
        {props.label}
      </label>
      <Hint id={props.id} hint={props.hint} />
      {props.multiline ? (
        <textarea {...common} rows={5}>
          {props.value}
        </textarea>
      ) : (
        <input {...common} type={(props.type ?? 'text') as 'text'} value={props.value} inputMode={props.inputMode} size={props.size} />
      )}
      <ErrorText id={props.id} error={props.error} />
    </div>
  );
}

export function SelectInput(props: {
  id: string;
  name: string;
  label: string;
  value: string;
  options: { value: string; label: string }[];
  error?: string;
  hint?: string;
  hideLabel?: boolean;
  children?: ComponentChildren;
}) {
  return (
    <div class={`field${props.error ? ' has-error' : ''}`}>
      <label for={props.id} class={props.hideLabel ? 'visually-hidden' : undefined}>
        {props.label}
      </label>
      <Hint id={props.id} hint={props.hint} />
      <select
        id={props.id}
        name={props.name}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy(props.id, props.error, props.hint)}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value} selected={o.value === props.value}>
            {o.label}
          </option>
        ))}
      </select>
      <ErrorText id={props.id} error={props.error} />
    </div>
  );
}

export function Checkbox(props: { id: string; name: string; label: string; checked: boolean; value?: string }) {
  return (
    <label class="check" for={props.id}>
      <input type="checkbox" id={props.id} name={props.name} value={props.value ?? '1'} checked={props.checked} />
      {props.label}
    </label>
  );
}

/** A one-button form, as every change needs a POST. */
export function ActionButton(props: {
  action: string;
  csrf: string;
  label: string;
  confirm?: string;
  fields?: Record<string, string>;
  primary?: boolean;
  ariaLabel?: string;
}) {
  return (
    <form method="post" action={props.action} class="inline-form" data-confirm={props.confirm}>
      <input type="hidden" name="_csrf" value={props.csrf} />
      {Object.entries(props.fields ?? {}).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <button type="submit" class={`button button-small${props.primary ? ' button-primary' : ''}`} aria-label={props.ariaLabel}>
        {props.label}
      </button>
    </form>
  );
}
