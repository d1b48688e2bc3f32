import { Field, type FieldErrors } from '../../../http/views/form.js';
import { PASSWORD_MIN_LENGTH } from '../customers.domain.js';

/** A password being chosen (registration, reset, change): the browser may suggest a strong one. */
export function NewPasswordField({ errors, label = 'New password', advice }: { errors: FieldErrors; label?: string; advice: string }) {
  return (
    <Field
      name="password"
      label={label}
      type="password"
      errors={errors}
      autocomplete="new-password"
      maxLength={200}
      required
      hint={`At least ${PASSWORD_MIN_LENGTH} characters${advice}`}
    />
  );
}
