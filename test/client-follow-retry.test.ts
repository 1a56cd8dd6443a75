/**
 * The typed client's follower when a catch-up fails while the socket stays up (a sync with no answer in
 * time, say): the conversation's live events are held, the catch-up is tried again, and once it
 * succeeds every event arrives once, in order. The socket is a stand-in that fails the first sync.
 */
import { expect, test } from "bun:test"
import type { Connection } from "../client/connection.ts"
import { CauserieError } from "../client/errors.ts"
import type { ChatEvent } from "../client/events.ts"
import { createFollower } from "../client/follow.ts"
import { until } from "./helpers/wait.ts"

const message = (seq: number) => ({ conversationId: 7, seq, message: { id: seq, seq, text: `m${seq}` } })

test("a failed catch-up is tried again; events held meanwhile come after it, once and in order", async () => {
  let live: ((type: string, data: unknown) => void) | undefined
  let syncs = 0
  const socket = {
    connected: true,
    onAny(listener: (type: string, data: unknown) => void) {
      live = listener
    },
    on() {},
  }
  const request = async (event: string) => {
    if (event === "join_conversation") return { conversationId: 7 }
    syncs++
    // The first sync is lost; while it is, seq 3 comes live.
    if (syncs === 1) {
      live!("new_message", message(3))
      throw new CauserieError({ code: "TIMEOUT", message: "sync: operation has timed out" })
    }
    return {
      conversations: [
        {
          conversationId: 7,
          events: [1, 2].map((seq) => ({ seq, type: "new_message", data: message(seq) })),
          hasMore: false,
          lastSeq: 3,
          readSeq: 0,
          deliveredSeq: 0,
          unreadCount: 3,
          active: true,
          participants: [],
        },
      ],
      unlisted: [],
      gone: [],
    }
  }
  const heard: ChatEvent[] = []
  const follower = createFollower({ socket, request } as unknown as Connection, (e) => heard.push(e))

  await expect(follower.follow(7)).rejects.toMatchObject({ code: "TIMEOUT" })
  // Held, not delivered: seq 1 and 2 are not known yet.
  expect(heard).toEqual([])
  await until(() => heard.some((e) => e.type === "synced"), 5000, "the second catch-up")
  expect(syncs).toBe(2)
  expect(heard.map((e) => ("seq" in e ? `${e.type} ${e.seq}` : e.type))).toEqual([
    "new_message 1",
    "new_message 2",
    "new_message 3",
    "synced",
  ])
  expect(follower.cursor(7)).toBe(3)
})
