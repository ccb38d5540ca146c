/**
 * What the optional features chosen for this project add to the pages. Each feature is one
 * folder here; the sign-in page renders `signInOptions` under the password form, and the
 * Security page renders `securitySections`.
 */
import type { ComponentType } from "react";
{%- if cookiecutter.use_passkeys == "y" %}

import { PasskeySection, PasskeySignIn } from "./passkeys";
{%- endif %}

/** Another way to sign in; it reports a failure (or null to clear it) with `onError`. */
export type SignInOption = ComponentType<{ onError(message: string | null): void }>;

/** A part of the Security page under its own heading; `onChanged` announces what changed. */
export interface SecuritySection {
  title: string;
  Section: ComponentType<{ onChanged(message: string): void }>;
}

export const signInOptions: SignInOption[] = [{% if cookiecutter.use_passkeys == "y" %}PasskeySignIn{% endif %}];

export const securitySections: SecuritySection[] = [
  {%- if cookiecutter.use_passkeys == "y" %}{ title: "Passkeys", Section: PasskeySection }{% endif -%}
];
