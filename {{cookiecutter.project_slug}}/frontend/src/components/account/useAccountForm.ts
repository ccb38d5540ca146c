"use client";

import { type FormEvent, useState } from "react";

import { type FieldErrors, accountErrorMessage, fieldErrorsOf } from "@/lib/account";

export interface AccountForm {
  submitting: boolean;
  error: string | null;
  fieldErrors: FieldErrors;
  onSubmit(event: FormEvent<HTMLFormElement>): void;
}

/** After React has rendered the errors: focus the first input the errors name. */
function focusFirstInvalid(form: HTMLFormElement, fields: FieldErrors): void {
  const [name] = Object.keys(fields);
  if (name !== undefined) {
    requestAnimationFrame(() => form.querySelector<HTMLInputElement>(`[name="${CSS.escape(name)}"]`)?.focus());
  }
}

/**
 * One account form's submission: the request, then either done or the
 * server's errors. Field errors go to their inputs and the first invalid
 * input takes the focus; the form-level message is announced (role=alert).
 * `check` may refuse a submission before it is sent, with field errors.
 */
export function useAccountForm(send: () => Promise<void>, check: () => FieldErrors = () => ({})): AccountForm {
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const refused = check();
    if (Object.keys(refused).length > 0) {
      setFieldErrors(refused);
      setError("Check the highlighted fields.");
      focusFirstInvalid(form, refused);
      return;
    }
    setSubmitting(true);
    setError(null);
    setFieldErrors({});
    send().then(
      () => setSubmitting(false),
      (failure: unknown) => {
        const fields = fieldErrorsOf(failure);
        setFieldErrors(fields);
        setError(accountErrorMessage(failure));
        setSubmitting(false);
        focusFirstInvalid(form, fields);
      },
    );
  };

  return { submitting, error, fieldErrors, onSubmit };
}
