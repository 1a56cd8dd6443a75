/** The parts of a message added by edits, reactions and replies (schemas; wire.ts builds the message). */
import { z } from "zod"

/**
 * One emoji on a message: how many reacted with it, and whether the viewer did. A broadcast is one
 * payload for the whole room, so there `me` is false; `reaction_added` / `reaction_removed` carry the
 * reactor's `userId` and the new `count`, from which each client keeps its own `me`.
 */
export const reactionSummary = z.object({ emoji: z.string(), count: z.number(), me: z.boolean() })

/** What a reply shows of the message it answers, read in the same query as the reply. */
export const replyPreview = z.object({
  id: z.number(),
  sender: z.object({ id: z.number(), displayName: z.string().nullable() }),
  /** The first 100 characters of its text; null for a voice message or a deleted one. */
  excerpt: z.string().nullable(),
  hasAudio: z.boolean(),
  deleted: z.boolean(),
})

/** A file a message carries (an upload): its URL answers only the conversation's participants. */
export const attachment = z.object({
  id: z.string().describe("22 random base64url characters"),
  name: z.string(),
  /** Sniffed from the bytes by the server. */
  mime: z.string(),
  size: z.number(),
  /** `/api/uploads/<id>` */
  url: z.string(),
  /** A voice message's length, as its uploader gave it; null otherwise. */
  durationMs: z.number().nullable(),
})
