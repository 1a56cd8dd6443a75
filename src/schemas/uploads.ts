/** Uploads: the query of an upload and its answer. */
import { z } from "zod"
import { attachment } from "./messageParts.ts"

// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters a file name loses
const CONTROLS = /[\u0000-\u001F\u007F-\u009F]/g

/**
 * POST /api/uploads?name=&durationMs=. A file name is a label shown to others, not a path: control
 * characters (a header or a line could be forged with them) become `_`; 1 to 255 characters.
 */
export const uploadQuery = z.object({
  name: z
    .string()
    .transform((n) => n.replace(CONTROLS, "_").trim())
    .pipe(
      z
        .string()
        .min(1, "must not be empty")
        .max(255, "at most 255 characters")
        .refine((n) => n.isWellFormed(), "must be well-formed Unicode"),
    ),
  durationMs: z
    .string()
    .regex(/^\d{1,9}$/, "expected a whole number of milliseconds")
    .transform(Number)
    .optional(),
})

export const uploadAnswer = z.object({ upload: attachment })
