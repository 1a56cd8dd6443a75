/**
 * Strings a client sends are stored as sent or refused: SQLite and our clients cut text at a NUL,
 * and a lone UTF-16 surrogate comes back as U+FFFD, so the acknowledged text would not be the stored
 * one. Control characters other than tab, newline and carriage return are refused too.
 */
import { z } from "zod"

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters refused
const FORBIDDEN_CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/

/** A string of at most `max` UTF-16 units, without NUL, other C0 controls or lone surrogates. */
export function clientString(max: number, tooLong = `at most ${max} characters`) {
  return z
    .string()
    .max(max, tooLong)
    .refine((s) => !FORBIDDEN_CONTROLS.test(s), "must not contain NUL or other control characters")
    .refine((s) => s.isWellFormed(), "must be well-formed Unicode (no lone surrogates)")
}
