/**
 * A labelled input bound to a string signal: the label's text first (the input's accessible name), then
 * the input, which writes what is typed back to the signal.
 */
import type { Signal } from "@preact/signals"
import type { ComponentChildren, InputHTMLAttributes } from "preact"
import { PASSWORD_LENGTH } from "../../../schemas/passwordRule.ts"

export interface FieldProps {
  label: ComponentChildren
  value: Signal<string>
  /** The label's class ("field", "field narrow"...). */
  class?: string
  type?: "text" | "email" | "password" | "search" | "number"
  autocomplete?: string
  required?: boolean
  minLength?: number
  maxLength?: number
  min?: number
  max?: number
  "aria-describedby"?: string
}

export function Field({ label, value, class: labelClass, ...input }: FieldProps) {
  // Preact types an input's attributes per `type`, which a `type` chosen by the caller cannot narrow.
  const attributes = input as InputHTMLAttributes<HTMLInputElement>
  return (
    <label class={labelClass}>
      {label}
      <input {...attributes} value={value} onInput={(e) => (value.value = e.currentTarget.value)} />
    </label>
  )
}

type PasswordProps = Pick<FieldProps, "label" | "value" | "class" | "aria-describedby">

/** The password one has (signing in, confirming a change). */
export const PasswordField = (props: PasswordProps) => (
  <Field {...props} type="password" required autocomplete="current-password" />
)

/** A password being chosen, held to the server's rule before it is sent. */
export const NewPasswordField = (props: PasswordProps) => (
  <Field
    {...props}
    type="password"
    required
    minLength={PASSWORD_LENGTH.min}
    maxLength={PASSWORD_LENGTH.max}
    autocomplete="new-password"
  />
)
