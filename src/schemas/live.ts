/** Volatile payloads (typing, presence) and the public profile that shows presence. */
import { z } from "zod"
import { publicUser } from "./wire.ts"

const isoTime = z.string().describe("ISO-8601 UTC")

/** Someone else's indicator in a conversation; never sent back to its author. */
export const typingPayload = z.object({
  conversationId: z.number(),
  userId: z.number(),
  state: z.enum(["typing", "recording", "stopped"]),
})

/** A user came online (first device) or went offline (last device gone, after the grace). */
export const presencePayload = z.object({
  userId: z.number(),
  online: z.boolean(),
  /** When their last device disconnected; null while online. */
  lastSeenAt: isoTime.nullable(),
})

/**
 * GET /api/users/:id. `online` and `lastSeenAt` are null for someone the caller shares no
 * conversation with: presence is not theirs to know.
 */
export const userProfile = publicUser.extend({
  online: z.boolean().nullable(),
  lastSeenAt: isoTime.nullable(),
})
