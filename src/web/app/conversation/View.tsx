/**
 * One conversation: its header (name, presence, participants, mute), the messages (history paged in
 * as one scrolls up, live events applied as they come, the queued ones at the bottom), who is typing
 * or recording, and the composer. Marks what is shown as read while the tab is visible.
 */
import { computed, useSignal } from "@preact/signals"
import { useEffect, useLayoutEffect, useRef } from "preact/hooks"
import type { ChatEvent } from "../../../../client/events.ts"
import type { Conversation } from "../../../contract.ts"
import { http, messageOf, mute } from "../core/api.ts"
import { formatTime, t } from "../core/i18n.ts"
import { looking, onChatEvent, refreshConversations } from "../core/live.ts"
import { discard, outbox } from "../core/outbox.ts"
import { followLink, query } from "../core/router.ts"
import {
  type ChatMessage,
  chat,
  conversationName,
  conversations,
  isMuted,
  me,
  online,
  openConversation,
} from "../core/state.ts"
import { Composer } from "./Composer.tsx"
import { MessageItem, type Tick } from "./MessageItem.tsx"
import Participants from "./Participants.tsx"

const PAGE = 30
/** How far back a search result or a quoted message is looked for: pages of REVEAL_PAGE. */
const REVEAL_PAGE = 100
const REVEAL_PAGES = 20
/** Far enough from the bottom that a new message should not pull the reader down. */
const NEAR_BOTTOM_PX = 120

/** Inserts or replaces by id, keeping seq order. */
function upsert(list: ChatMessage[], message: ChatMessage): ChatMessage[] {
  const i = list.findIndex((m) => m.id === message.id)
  if (i >= 0) {
    const next = list.slice()
    next[i] = message
    return next
  }
  const at = list.findIndex((m) => m.seq > message.seq)
  return at < 0 ? [...list, message] : [...list.slice(0, at), message, ...list.slice(at)]
}

const MUTE_CHOICES: [string, number | null][] = [
  ["view.mute1h", 3600e3],
  ["view.mute8h", 8 * 3600e3],
  ["view.mute1d", 24 * 3600e3],
  ["view.mute1w", 7 * 24 * 3600e3],
  ["view.muteForever", null],
]
/** "Until I unmute it": a date far enough to mean forever. */
const FOREVER_MS = 100 * 365 * 24 * 3600e3

export function ConversationView({ id }: { id: number }) {
  const conversation = useSignal<Conversation | undefined>(undefined)
  const messages = useSignal<ChatMessage[]>([])
  /** undefined until the first page; null once the oldest is loaded. */
  const nextBefore = useSignal<number | null | undefined>(undefined)
  const failure = useSignal("")
  const notice = useSignal("")
  /** The message a search result or a quote led to, marked. */
  const found = useSignal<number | null>(null)
  const gone = useSignal(false)
  const typing = useSignal<Record<number, "typing" | "recording">>({})
  const replyTo = useSignal<ChatMessage | null>(null)
  const editing = useSignal<ChatMessage | null>(null)
  const draft = useSignal("")
  const panel = useSignal(false)
  const muteMenu = useSignal(false)
  const scroller = useRef<HTMLDivElement>(null)
  const loadingOlder = useRef<Promise<void> | null>(null)
  const keepFromBottom = useRef<number | null>(null)
  const stickToBottom = useRef(true)
  const markedSeq = useRef(0)
  const typingTimers = useRef(new Map<number, number>())
  const participantsButton = useRef<HTMLButtonElement>(null)
  const menu = useRef<HTMLUListElement>(null)
  const muteButton = useRef<HTMLButtonElement>(null)

  const item = computed(() => conversations.value.find((c) => c.id === id))

  const markRead = () => {
    const seq = Math.max(item.value?.lastSeq ?? 0, messages.value.at(-1)?.seq ?? 0)
    if (!looking(id) || seq <= markedSeq.current || !chat.value) return
    markedSeq.current = seq
    chat.value
      .markRead(id, seq)
      .then((ack) => {
        conversations.value = conversations.value.map((c) =>
          c.id === id ? { ...c, unreadCount: ack.unreadCount, readSeq: ack.readSeq } : c,
        )
      })
      .catch(() => {
        markedSeq.current = 0
      })
  }

  /**
   * The highest pointers heard per person. The conversation is read again on events and its answer may
   * come late, or after pointer events that came while it loaded: it never moves them back.
   */
  const heardPointers = useRef(new Map<number, { readSeq: number; deliveredSeq: number }>())
  const withPointersHeard = (c: Conversation): Conversation => ({
    ...c,
    participants: c.participants.map((p) => {
      const heard = heardPointers.current.get(p.id)
      return heard
        ? {
            ...p,
            readSeq: Math.max(p.readSeq, heard.readSeq),
            deliveredSeq: Math.max(p.deliveredSeq, heard.deliveredSeq),
          }
        : p
    }),
  })
  const loads = useRef(0)

  const loadConversation = () => {
    const ask = ++loads.current
    return http.conversations
      .get(id)
      .then((c) => {
        // An answer overtaken by a later read of the conversation is dropped.
        if (ask !== loads.current) return
        conversation.value = withPointersHeard(c)
        // Just made here or elsewhere and not in the list yet: the list follows it, so it is heard live.
        if (chat.value && chat.value.cursor(id) === undefined) refreshConversations().catch(() => {})
      })
      .catch((err) => {
        if (ask === loads.current) failure.value = messageOf(err)
      })
  }

  /** The page before the oldest loaded; while one loads, that one (a caller waits for it). */
  const loadOlder = (limit = PAGE): Promise<void> => {
    if (nextBefore.value === null) return Promise.resolve()
    loadingOlder.current ??= fetchOlder(limit).finally(() => {
      loadingOlder.current = null
    })
    return loadingOlder.current
  }
  const fetchOlder = async (limit: number) => {
    const box = scroller.current
    const page = await http.conversations.history(id, {
      limit,
      ...(nextBefore.value ? { before: nextBefore.value } : {}),
    })
    if (box && nextBefore.value !== undefined) keepFromBottom.current = box.scrollHeight - box.scrollTop
    // One merge per page: a reveal loads up to 2,000 messages, an insertion each would copy the list each time.
    const loaded = new Set(messages.value.map((m) => m.id))
    const older = page.messages.filter((m) => !loaded.has(m.id))
    messages.value = [...older, ...messages.value].sort((a, b) => a.seq - b.seq)
    nextBefore.value = page.nextBefore
  }

  const olderOrFailure = () => {
    loadOlder().catch((err) => {
      failure.value = messageOf(err)
    })
  }

  /**
   * Shows message `messageId` (a search result, a quoted message): pages back until it is loaded,
   * then scrolls it to the middle, marks it and gives it the focus. Too far back: a notice says so.
   */
  const reveal = async (messageId: number) => {
    try {
      for (let i = 0; i < REVEAL_PAGES && nextBefore.value !== null; i++) {
        if (messages.value.some((m) => m.id === messageId)) break
        // Ids rise with seq in a conversation: one above the oldest loaded and not loaded is not in it.
        const oldest = messages.value[0]
        if (oldest && messageId > oldest.id) break
        await loadOlder(REVEAL_PAGE)
      }
    } catch (err) {
      failure.value = messageOf(err)
      return
    }
    // After the render that shows the pages (and its scroll adjustment).
    requestAnimationFrame(() => {
      const target = document.getElementById(`m-${messageId}`)
      if (!target) {
        notice.value = t("view.tooFarBack")
        return
      }
      stickToBottom.current = false
      found.value = messageId
      target.scrollIntoView({ block: "center" })
      target.focus()
    })
  }

  const setPointers = (userId: number, change: { readSeq?: number; deliveredSeq?: number }) => {
    const heard = heardPointers.current.get(userId) ?? { readSeq: 0, deliveredSeq: 0 }
    const readSeq = Math.max(heard.readSeq, change.readSeq ?? 0)
    const deliveredSeq = Math.max(heard.deliveredSeq, change.deliveredSeq ?? 0, readSeq)
    heardPointers.current.set(userId, { readSeq, deliveredSeq })
    const c = conversation.value
    if (c) conversation.value = withPointersHeard(c)
  }

  const stopTyping = (userId: number) => {
    const { [userId]: _, ...rest } = typing.value
    typing.value = rest
    clearTimeout(typingTimers.current.get(userId))
  }

  const onEvent = (event: ChatEvent) => {
    const mine = me.value?.id
    if ("conversationId" in event && event.conversationId !== id) return
    if ("data" in event && event.data && "conversationId" in event.data && event.data.conversationId !== id)
      return
    switch (event.type) {
      case "new_message": {
        const box = scroller.current
        stickToBottom.current =
          !box ||
          box.scrollHeight - box.scrollTop - box.clientHeight < NEAR_BOTTOM_PX ||
          event.data.message.sender.id === mine
        messages.value = upsert(messages.value, event.data.message)
        stopTyping(event.data.message.sender.id)
        markRead()
        break
      }
      case "message_edited": {
        const old = messages.value.find((m) => m.id === event.data.message.id)
        // A broadcast's reactions say `me: false` for everyone: keep mine.
        const reactions = event.data.message.reactions.map((r) => ({
          ...r,
          me: old?.reactions.find((o) => o.emoji === r.emoji)?.me ?? false,
        }))
        messages.value = upsert(messages.value, { ...old, ...event.data.message, reactions })
        break
      }
      case "message_deleted":
        messages.value = messages.value.map((m) =>
          m.id === event.data.messageId
            ? {
                ...m,
                text: null,
                audioUrl: null,
                reactions: [],
                attachments: [],
                deletedAt: new Date().toISOString(),
                deletedBy: event.data.deletedBy,
              }
            : m,
        )
        if (editing.value?.id === event.data.messageId) editing.value = null
        if (replyTo.value?.id === event.data.messageId) replyTo.value = null
        break
      case "reaction_added":
      case "reaction_removed": {
        const { messageId, emoji, count, userId } = event.data
        messages.value = messages.value.map((m) => {
          if (m.id !== messageId) return m
          const existing = m.reactions.find((r) => r.emoji === emoji)
          const me_ = userId === mine ? event.type === "reaction_added" : (existing?.me ?? false)
          const reactions = existing
            ? m.reactions.map((r) => (r.emoji === emoji ? { ...r, count, me: me_ } : r))
            : [...m.reactions, { emoji, count, me: me_ }]
          return { ...m, reactions: reactions.filter((r) => r.count > 0) }
        })
        break
      }
      case "typing": {
        const { userId, state } = event.data
        if (userId === mine) break
        if (state === "stopped") stopTyping(userId)
        else {
          typing.value = { ...typing.value, [userId]: state }
          clearTimeout(typingTimers.current.get(userId))
          // The server says "stopped" when a state expires; this covers a lost volatile event.
          typingTimers.current.set(
            userId,
            window.setTimeout(() => stopTyping(userId), 8000),
          )
        }
        break
      }
      case "read_up_to":
        setPointers(event.data.userId, { readSeq: event.data.seq })
        break
      case "delivered_up_to":
        setPointers(event.data.userId, { deliveredSeq: event.data.seq })
        break
      case "synced":
        for (const p of event.page.participants ?? []) setPointers(p.userId, p)
        break
      case "participant_removed":
        if (event.data.userId === mine) gone.value = true
        else loadConversation()
        break
      case "gone":
        gone.value = true
        break
      case "participant_added":
      case "role_changed":
      case "conversation_updated":
        loadConversation()
        break
    }
  }

  useEffect(() => {
    openConversation.value = id
    const off = onChatEvent(onEvent)
    loadConversation()
    olderOrFailure()
    const visible = () => markRead()
    document.addEventListener("visibilitychange", visible)
    addEventListener("focus", visible)
    return () => {
      off()
      document.removeEventListener("visibilitychange", visible)
      removeEventListener("focus", visible)
      for (const timer of typingTimers.current.values()) clearTimeout(timer)
      if (openConversation.value === id) openConversation.value = null
    }
  }, [])

  // A search result, or any link to a message, opens the conversation on it: /c/:id?m=<messageId>.
  const wanted = Number(query.value.get("m"))
  useEffect(() => {
    if (Number.isSafeInteger(wanted) && wanted > 0) reveal(wanted)
  }, [wanted])

  // Older messages keep the reader's place; new ones pull to the bottom when the reader was there.
  useLayoutEffect(() => {
    const box = scroller.current
    if (!box) return
    if (keepFromBottom.current !== null) {
      box.scrollTop = box.scrollHeight - keepFromBottom.current
      keepFromBottom.current = null
    } else if (stickToBottom.current) box.scrollTop = box.scrollHeight
  }, [messages.value, outbox.value])

  // What loads after the first scroll (an image, a video's size) grows the log: a reader at the bottom stays
  // there; one who scrolled up to read older messages is left where they are.
  useEffect(() => {
    const box = scroller.current
    if (!box) return
    const pin = () => {
      if (stickToBottom.current && keepFromBottom.current === null) box.scrollTop = box.scrollHeight
    }
    const scrolled = () => {
      stickToBottom.current = box.scrollHeight - box.scrollTop - box.clientHeight < NEAR_BOTTOM_PX
    }
    const resized = typeof ResizeObserver === "function" ? new ResizeObserver(pin) : null
    resized?.observe(box)
    box.addEventListener("scroll", scrolled, { passive: true })
    // load and loadedmetadata do not bubble: heard while they go down to the image or video.
    box.addEventListener("load", pin, true)
    box.addEventListener("loadedmetadata", pin, true)
    return () => {
      resized?.disconnect()
      box.removeEventListener("scroll", scrolled)
      box.removeEventListener("load", pin, true)
      box.removeEventListener("loadedmetadata", pin, true)
    }
  }, [])

  useEffect(() => {
    markRead()
  }, [messages.value.length, item.value?.lastSeq])

  // An opened menu takes the focus, so that its choices come next for the keyboard; Escape closes it.
  useEffect(() => {
    if (!muteMenu.value) return
    menu.current?.querySelector("button")?.focus()
    const onEscape = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return
      muteButton.current?.focus()
      muteMenu.value = false
    }
    document.addEventListener("keydown", onEscape)
    return () => document.removeEventListener("keydown", onEscape)
  }, [muteMenu.value])

  // Scrolling up to the top loads the page before.
  const sentinel = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const target = sentinel.current
    if (!target || typeof IntersectionObserver === "undefined") return
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting) && nextBefore.value) olderOrFailure()
      },
      { root: scroller.current },
    )
    observer.observe(target)
    return () => observer.disconnect()
  }, [nextBefore.value === null])

  const c = conversation.value
  const summary = item.value
  const name = c ? conversationName(c) : summary ? conversationName(summary) : "…"
  const mineId = me.value?.id
  const others = c?.participants.filter((p) => p.id !== mineId) ?? []
  const myRole = c?.participants.find((p) => p.id === mineId)?.role
  const canModerate = c?.type === "group" && myRole === "admin"

  const tickOf = (m: ChatMessage): Tick => {
    if (!others.length) return "sent"
    if (others.every((p) => p.readSeq >= m.seq)) return "read"
    if (others.every((p) => p.deliveredSeq >= m.seq)) return "delivered"
    return "sent"
  }

  let presence = ""
  if (c?.type === "direct" && others[0]) {
    const other = others[0]
    presence =
      (online.value[other.id] ?? other.online)
        ? t("view.online")
        : other.lastSeenAt
          ? t("view.lastSeen", { time: formatTime(other.lastSeenAt, true) })
          : ""
  } else if (c) presence = t("view.members", { count: c.participants.length })

  const typists = Object.entries(typing.value)
  const nameOfUser = (userId: number) => {
    const p = c?.participants.find((x) => x.id === userId)
    return p?.displayName || p?.email || t("someone")
  }
  let typingText = ""
  if (typists.length === 1) {
    const [userId, state] = typists[0]!
    typingText = t(state === "recording" ? "recording.one" : "typing.one", {
      name: nameOfUser(Number(userId)),
    })
  } else if (typists.length > 1) typingText = t("typing.many")

  const muted = summary ? isMuted(summary) : false
  const setMute = async (durationMs: number | null | false) => {
    muteMenu.value = false
    const until = durationMs === false ? null : new Date(Date.now() + (durationMs ?? FOREVER_MS))
    try {
      const answer = await mute(id, until)
      conversations.value = conversations.value.map((x) =>
        x.id === id ? { ...x, mutedUntil: answer.mutedUntil } : x,
      )
      notice.value = ""
    } catch (err) {
      notice.value = t("view.muteFailed", { error: messageOf(err) })
    }
  }
  const mutedUntil = summary?.mutedUntil ? Date.parse(summary.mutedUntil) : 0

  const pending = outbox.value.filter(
    (q) => q.conversationId === id && !messages.value.some((m) => m.clientMessageId === q.clientMessageId),
  )

  return (
    <section class="view" aria-labelledby="view-title">
      <header class="view-head">
        <a class="back" href="/" onClick={followLink}>
          <span aria-hidden="true">←</span>
          <span class="sr-only">{t("view.back")}</span>
        </a>
        <div class="view-title">
          <h2 id="view-title">{name}</h2>
          <p class="presence">
            {presence}
            {muted && (
              <span class="muted-note">
                {" · "}
                {mutedUntil - Date.now() > FOREVER_MS / 2
                  ? t("view.mutedForever")
                  : t("view.mutedUntil", { time: formatTime(summary!.mutedUntil!, true) })}
              </span>
            )}
          </p>
        </div>
        <div class="view-tools">
          {muted ? (
            <button type="button" onClick={() => setMute(false)}>
              {t("view.unmute")}
            </button>
          ) : (
            <button
              type="button"
              ref={muteButton}
              aria-expanded={muteMenu.value}
              onClick={() => (muteMenu.value = !muteMenu.value)}
            >
              {t("view.mute")}
            </button>
          )}
          <button
            type="button"
            ref={participantsButton}
            aria-expanded={panel.value}
            onClick={() => (panel.value = !panel.value)}
          >
            {t("view.participants")}
          </button>
        </div>
        {muteMenu.value && (
          <ul ref={menu} class="menu">
            {MUTE_CHOICES.map(([key, ms]) => (
              <li key={key}>
                <button type="button" onClick={() => setMute(ms)}>
                  {t(key)}
                </button>
              </li>
            ))}
          </ul>
        )}
      </header>
      {notice.value && (
        <p class="error" role="alert">
          {notice.value}
        </p>
      )}
      <div class="view-body">
        <div class="log-wrap">
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard to scroll it */}
          <div class="log" ref={scroller} role="log" aria-label={t("view.messages")} tabIndex={0}>
            <div ref={sentinel} class="sentinel" />
            {nextBefore.value === undefined && !failure.value && (
              <p class="hint center">{t("view.loading")}</p>
            )}
            {nextBefore.value ? (
              <button type="button" class="older" onClick={olderOrFailure}>
                {t("view.older")}
              </button>
            ) : nextBefore.value === null ? (
              <p class="hint center">{t("view.start")}</p>
            ) : null}
            {failure.value && (
              <p class="error" role="alert">
                {t("view.notFound")} {failure.value}
              </p>
            )}
            {messages.value.map((m) => (
              <MessageItem
                key={m.id}
                message={m}
                found={m.id === found.value}
                tick={m.sender.id === mineId ? tickOf(m) : undefined}
                canModerate={canModerate}
                onReply={(message) => {
                  editing.value = null
                  replyTo.value = message
                }}
                onEdit={(message) => {
                  replyTo.value = null
                  draft.value = message.text ?? ""
                  editing.value = message
                }}
                onError={(text) => (notice.value = text)}
                onShow={reveal}
              />
            ))}
            {pending.map((q) => (
              <article key={q.clientMessageId} class="msg mine pending" aria-busy={!q.error}>
                <div class="body">
                  {q.text && <span class="text">{q.text}</span>}
                  {q.attachments?.map((a) => (
                    <span key={a.id} class="text">
                      {" "}
                      📎 {a.name}
                    </span>
                  ))}
                </div>
                <footer class="msg-foot">
                  {q.error ? (
                    <>
                      <span class="error">{t("msg.failed", { error: q.error })}</span>
                      <button type="button" onClick={() => discard(q.clientMessageId)}>
                        {t("msg.discard")}
                      </button>
                    </>
                  ) : (
                    <span class="hint">{t("msg.sending")}</span>
                  )}
                </footer>
              </article>
            ))}
          </div>
          <p class="typing" aria-live="polite">
            {typingText}
          </p>
          {gone.value ? (
            <p class="hint center">{t("view.gone")}</p>
          ) : (
            <Composer
              conversationId={id}
              replyTo={replyTo}
              editing={editing}
              text={draft}
              disabled={!c}
              onEditLast={() => {
                const last = messages.value.findLast(
                  (m) => m.sender.id === mineId && !m.deletedAt && m.text !== null,
                )
                if (!last) return
                replyTo.value = null
                draft.value = last.text ?? ""
                editing.value = last
              }}
            />
          )}
        </div>
        {panel.value && (
          <Participants
            conversationId={id}
            conversation={conversation}
            onClose={() => {
              panel.value = false
              participantsButton.current?.focus()
            }}
          />
        )}
      </div>
    </section>
  )
}
