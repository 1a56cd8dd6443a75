/** A participant's own mute of a conversation: the body of PATCH /api/conversations/:id/me and its answer. */
import { z } from "zod"
import { id } from "./inputs.ts"

/** PATCH /api/conversations/:id/me: mute until a time, or unmute with null. */
export const muteInput = z.object({
  conversationId: id,
  mutedUntil: z.iso
    .datetime({ offset: true, message: "expected an ISO-8601 date and time, or null" })
    .nullable(),
})
export type MuteInput = z.output<typeof muteInput>

/** The mute as stored: null when not muted, or muted until a time now past. */
export const muteState = z.object({
  conversationId: z.number(),
  mutedUntil: z.string().describe("ISO-8601 UTC").nullable(),
})
