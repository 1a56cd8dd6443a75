/**
 * The composer's queue: a message is kept in localStorage with its clientMessageId until the server
 * acknowledges it, so that a reload, a dropped network or a restarted server loses nothing. Each is
 * sent again after a reconnect with the same clientMessageId: the server stores it once (a repeat is
 * answered `duplicate: true`), however many tabs or retries send it.
 */
import { signal } from "@preact/signals"
import { newId } from "../../../../client/connection.ts"
import { CauserieError } from "../../../../client/errors.ts"
import type { Attachment } from "./api.ts"
import { chat, me } from "./state.ts"

export interface Queued {
  clientMessageId: string
  conversationId: number
  text?: string
  replyToMessageId?: number
  attachments?: Attachment[]
  createdAt: string
  /** Set when the server refused it (not for a lost connection): shown, not sent again. */
  error?: string
}

/** Messages not yet acknowledged, oldest first. */
export const outbox = signal<Queued[]>([])

const key = () => `causerie.outbox.${me.value?.id ?? 0}`
const save = () => localStorage.setItem(key(), JSON.stringify(outbox.value))
const load = (): Queued[] => {
  try {
    const stored = JSON.parse(localStorage.getItem(key()) ?? "[]")
    return Array.isArray(stored) ? stored : []
  } catch {
    return []
  }
}

const inFlight = new Set<string>()

async function deliver(item: Queued): Promise<void> {
  const client = chat.value
  if (!client || inFlight.has(item.clientMessageId) || item.error) return
  inFlight.add(item.clientMessageId)
  try {
    await client.send(item.conversationId, {
      clientMessageId: item.clientMessageId,
      ...(item.text ? { text: item.text } : {}),
      ...(item.replyToMessageId ? { replyToMessageId: item.replyToMessageId } : {}),
      ...(item.attachments?.length ? { attachments: item.attachments.map(({ id }) => ({ id })) } : {}),
    })
    outbox.value = outbox.value.filter((q) => q.clientMessageId !== item.clientMessageId)
  } catch (err) {
    // A closed client (signed out, or a reload) leaves it queued; a refusal is shown.
    if (err instanceof CauserieError && err.code !== "CLOSED")
      outbox.value = outbox.value.map((q) =>
        q.clientMessageId === item.clientMessageId ? { ...q, error: err.message } : q,
      )
  } finally {
    inFlight.delete(item.clientMessageId)
    save()
  }
}

/** Queues a message and sends it; resolves at once (the queue shows it until acknowledged). */
export function enqueue(message: Omit<Queued, "clientMessageId" | "createdAt">): Queued {
  const item: Queued = { ...message, clientMessageId: newId(), createdAt: new Date().toISOString() }
  outbox.value = [...outbox.value, item]
  save()
  void deliver(item)
  return item
}

/** Sends everything queued (after a connection, and at start with what an earlier page left). */
export function flushOutbox(): void {
  const stored = load()
  const known = new Set(outbox.value.map((q) => q.clientMessageId))
  const merged = [...outbox.value, ...stored.filter((q) => !known.has(q.clientMessageId))]
  if (merged.length !== outbox.value.length) outbox.value = merged
  for (const item of outbox.value) void deliver(item)
}

/** Drops a message the server refused. */
export function discard(clientMessageId: string): void {
  outbox.value = outbox.value.filter((q) => q.clientMessageId !== clientMessageId)
  save()
}
