/** GET /api/search: the answer. */
import { z } from "zod"
import { message } from "./wire.ts"

export const searchResults = z.object({
  results: z.array(
    z.object({
      message,
      conversation: z.object({
        id: z.number(),
        type: z.enum(["group", "direct"]),
        title: z.string().nullable(),
      }),
      /** HTML: the text around the matches, escaped, each match in <mark>…</mark>. */
      snippet: z.string(),
    }),
  ),
  /** Pass as `before` for the next page; null when there is none. */
  nextBefore: z.number().nullable(),
})
