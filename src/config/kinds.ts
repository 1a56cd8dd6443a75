/**
 * The kinds of value a setting takes. Each parses the variable's text with a zod schema and says, in the
 * setting's own terms, what it expects: an error reads "PORT must be <expects>, got 'abc'".
 */
import { z } from "zod"

/** A setting's parser and the phrase that completes "NAME must be ...". */
export interface Kind<T> {
  schema: z.ZodType<T, string>
  expects: string
}

const kind = <T>(expects: string, schema: z.ZodType<T, string>): Kind<T> => ({ expects, schema })

/** Digits only: " ", "1e3", "-1" and "3.5" are refused rather than coerced (" " would become 0). */
export function wholeNumber(min: number, max?: number): Kind<number> {
  const range = max === undefined ? `of at least ${min}` : `from ${min} to ${max}`
  const bounds = z
    .number()
    .min(min)
    .max(max ?? Number.MAX_SAFE_INTEGER)
  return kind(`a whole number ${range}`, z.string().regex(/^\d+$/).transform(Number).pipe(bounds))
}

export function oneOf<const V extends readonly [string, ...string[]]>(values: V): Kind<V[number]> {
  return kind(`one of ${values.join(", ")}`, z.enum(values))
}

export const yesNo: Kind<boolean> = kind(
  "true or false",
  z.enum(["true", "false"]).transform((v) => v === "true"),
)

/** Free text that is not blank; `expects` names what it is (a folder, an address). */
export const text = (expects: string): Kind<string> => kind(expects, z.string().regex(/\S/))

/** A secret: its length is checked, its value never printed (see ConfigError). */
export const secret = (minLength: number): Kind<string> =>
  kind(`at least ${minLength} characters long`, z.string().min(minLength))

/** Parses "7d", "12h", "30m", "45s" or a number of seconds into seconds. */
export function parseDuration(value: string): number | undefined {
  const match = /^(\d+)\s*(s|m|h|d)?$/.exec(value.trim())
  if (!match) return undefined
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(match[2] ?? "s") as "s" | "m" | "h" | "d"]
  const seconds = Number(match[1]) * unit
  return seconds > 0 ? seconds : undefined
}

/** A duration, in seconds. */
export const duration: Kind<number> = kind(
  "a duration such as 45s, 30m, 12h, 7d or a number of seconds",
  z.string().transform((value, ctx) => {
    const seconds = parseDuration(value)
    if (seconds === undefined) {
      ctx.addIssue({ code: "custom", message: "not a duration" })
      return z.NEVER
    }
    return seconds
  }),
)

export const databaseUrl: Kind<string> = kind(
  "a file: path or a libsql://, http(s):// or ws(s):// URL",
  z.string().regex(/^(file:|libsql:\/\/|https?:\/\/|wss?:\/\/)/),
)

export const redisUrl: Kind<string> = kind("a redis:// or rediss:// URL", z.string().regex(/^rediss?:\/\//))

/** Comma-separated origins; empty means none (same origin only). */
export const origins: Kind<string[]> = kind(
  "a comma-separated list of http(s) origins, or *",
  z
    .string()
    .transform((s) =>
      s
        .split(",")
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.union([z.literal("*"), z.url({ protocol: /^https?$/ })]))),
)

/** Comma-separated MIME types (`type/subtype`), lower-cased; at least one. */
export const mimeTypes: Kind<string[]> = kind(
  "a comma-separated list of MIME types such as image/png,text/plain",
  z
    .string()
    .transform((s) =>
      s
        .split(",")
        .map((t) => t.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[a-z0-9][a-z0-9.+-]*\/[a-z0-9][a-z0-9.+-]*$/)).min(1)),
)

/** `file` (a folder under DATA_DIR) or `s3://bucket[/prefix]`. */
export const uploadStorage: Kind<string> = kind(
  "file or s3://bucket[/prefix]",
  z.string().regex(/^(file|s3:\/\/[a-z0-9][a-z0-9.-]{1,62}(\/[^\s]*)?)$/),
)
