import type { ComponentChildren } from 'preact';
import { Notice } from './components.js';

export type FieldErrors = Record<string, string | undefined>;

/**
 * The shop's one family of form fields, for the storefront and the back office alike (each
 * layout's stylesheet styles `.field`; `class` adds to it): a label tied to its control, an
 * optional hint, the error beside it, and the control pointing at both with `aria-describedby`
 * and `aria-invalid`. The control's id is its name unless a page repeats the form (a table of
 * variants, one form per category), where `id` makes it unique.
 */
interface FieldFrameProps {
  name: string;
  label: ComponentChildren;
  /** The control's id: its name unless given. */
  id?: string;
  hint?: ComponentChildren;
  /** This field's problem, or a form's problems by field name. */
  error?: string;
  errors?: FieldErrors;
  /** A label that only screen readers hear, where a table's heading already says it. */
  hideLabel?: boolean;
  /** Says "(optional)" after the label and leaves the control not required. */
  optional?: boolean;
  class?: string;
}

/** The ids a control's `aria-describedby` names: its hint, then its error. */
export function describedBy(id: string, error?: string, hint?: unknown): string | undefined {
  return [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
}

/** What ties a control to its frame: id, `aria-invalid` and `aria-describedby`. */
export function controlProps(id: string, error?: string, hint?: unknown) {
  return { id, 'aria-invalid': error ? ('true' as const) : undefined, 'aria-describedby': describedBy(id, error, hint) };
}

export function Hint({ id, hint }: { id: string; hint?: ComponentChildren }) {
  if (!hint) return null;
  return (
    <p class="hint" id={`${id}-hint`}>
      {hint}
    </p>
  );
}

/** A field's problem, under it; `id` is the control's, the message's is `${id}-error`. */
export function FieldError({ id, error }: { id: string; error?: string }) {
  if (!error) return null;
  return (
    <p class="field-error" id={`${id}-error`}>
      {error}
    </p>
  );
}

function frameOf(props: FieldFrameProps) {
  const id = props.id ?? props.name;
  const error = props.error ?? props.errors?.[props.name];
  return { id, error, control: controlProps(id, error, props.hint) };
}

function FieldFrame(props: FieldFrameProps & { id: string; error?: string; children: ComponentChildren }) {
  return (
    <div class={['field', props.error ? 'has-error' : '', props.class ?? ''].filter(Boolean).join(' ')}>
      <label for={props.id} class={props.hideLabel ? 'visually-hidden' : undefined}>
        {props.label}
        {props.optional && <span class="optional"> (optional)</span>}
      </label>
      <Hint id={props.id} hint={props.hint} />
      {props.children}
      <FieldError id={props.id} error={props.error} />
    </div>
  );
}

/** A text, e-mail, password, number or telephone input, or with `rows` a text area. */
export function Field(
  props: FieldFrameProps & {
    value?: string | number | null;
    type?: 'text' | 'email' | 'password' | 'tel' | 'search' | 'url' | 'file' | 'datetime-local';
    /** The kinds of file a file input takes. */
    accept?: string;
    autocomplete?: string;
    required?: boolean;
    inputMode?: 'numeric' | 'text' | 'decimal' | 'tel' | 'email';
    maxLength?: number;
    size?: number;
    placeholder?: string;
    spellcheck?: boolean;
    /** A text area of this many rows instead of an input. */
    rows?: number;
  },
) {
  const { id, error, control } = frameOf(props);
  const common = {
    ...control,
    name: props.name,
    autocomplete: props.autocomplete,
    maxLength: props.maxLength,
    required: props.optional ? undefined : props.required,
    placeholder: props.placeholder,
    spellcheck: props.spellcheck,
  };
  return (
    <FieldFrame {...props} id={id} error={error}>
      {props.rows ? (
        <textarea {...common} rows={props.rows}>
          {props.value ?? ''}
        </textarea>
      ) : (
        <input
          {...common}
          type={(props.type ?? 'text') as 'text'}
          // A file input has no value to show again.
          value={props.type === 'file' ? undefined : (props.value ?? '')}
          accept={props.accept}
          inputMode={props.inputMode}
          size={props.size}
        />
      )}
    </FieldFrame>
  );
}

export interface SelectOption {
  value: string;
  label: string;
}

export function SelectField(props: FieldFrameProps & { value?: string | null; options: SelectOption[]; required?: boolean }) {
  const { id, error, control } = frameOf(props);
  return (
    <FieldFrame {...props} id={id} error={error}>
      <select {...control} name={props.name} required={props.required}>
        {props.options.map((o) => (
          <option key={o.value} value={o.value} selected={o.value === (props.value ?? '')}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

/**
 * A checkbox inside its label. `input` passes what a page adds to the box itself (a script's
 * data attribute, a described-by for a row's error).
 */
export function Checkbox(props: {
  name: string;
  label: ComponentChildren;
  checked?: boolean;
  id?: string;
  value?: string;
  input?: { 'aria-invalid'?: 'true'; 'aria-describedby'?: string; [data: `data-${string}`]: string | undefined };
}) {
  const id = props.id ?? props.name;
  return (
    <label class="check" for={id}>
      <input {...props.input} type="checkbox" id={id} name={props.name} value={props.value ?? 'yes'} checked={props.checked} />
      {props.label}
    </label>
  );
}

/**
 * A filter on a list page's filter bar (a GET form, so nothing to validate or describe): a
 * select inside its label, the current choice selected.
 */
export function FilterSelect(props: { label: string; name: string; value: string | undefined; options: SelectOption[] }) {
  return (
    <label>
      {props.label}
      <select name={props.name}>
        {props.options.map((o) => (
          <option key={o.value} value={o.value} selected={o.value === (props.value ?? '')}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A search box or a date on a filter bar, inside its label. */
export function FilterInput(props: {
  label: string;
  name: string;
  value: string | undefined;
  type: 'search' | 'date' | 'text';
  maxLength?: number;
}) {
  return (
    <label>
      {props.label}
      <input type={props.type as 'text'} name={props.name} value={props.value ?? ''} maxLength={props.maxLength} />
    </label>
  );
}

/** The summary at the top of a form sent back with problems; each problem stands by its field. */
export function ErrorSummary({ errors }: { errors: FieldErrors }) {
  const count = Object.values(errors).filter(Boolean).length;
  if (count === 0) return null;
  return (
    <Notice kind="error">
      {count === 1 ? 'Please correct the highlighted field.' : `Please correct the ${count} highlighted fields.`}
    </Notice>
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

/** The hidden CSRF field every state-changing form carries. */
export function Csrf({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

/**
 * A form of one button, as every change needs a POST: the CSRF field, any hidden `fields`, and
 * the button. `confirm` asks first (the back office's script reads data-confirm).
 */
export function ActionButton(props: {
  action: string;
  csrf: string;
  children: ComponentChildren;
  confirm?: string;
  fields?: Record<string, string>;
  /** The button's classes; a small back-office button unless given. */
  buttonClass?: string;
  /** The form's class; `inline-form` unless given. */
  formClass?: string;
  ariaLabel?: string;
}) {
  return (
    <form method="post" action={props.action} class={props.formClass ?? 'inline-form'} data-confirm={props.confirm}>
      <Csrf token={props.csrf} />
      {Object.entries(props.fields ?? {}).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <button type="submit" class={props.buttonClass ?? 'button button-small'} aria-label={props.ariaLabel}>
        {props.children}
      </button>
    </form>
  );
}
