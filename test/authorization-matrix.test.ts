/**
 * The authorization matrix: every HTTP route and socket event × every kind of caller, each cell on a
 * fresh world, each refusal checked for its exact code and for leaving the database untouched.
 */
import { describe, expect, test } from "bun:test"
import { ERROR_STATUS, type ErrorCode } from "../src/errors.ts"
import { api, connect, connectError, socketFor, type TestUser } from "./helpers/clients.ts"
import { handledEvents } from "./helpers/handled.ts"
import { PEOPLE_OPS, type PeopleCell } from "./helpers/peopleOps.ts"
import { ROUTES } from "./helpers/protocol.ts"
import type { TestServer } from "./helpers/server.ts"
import { expiredToken, forgedToken } from "./helpers/tokens.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { nothingWithin, waitFor } from "./helpers/wait.ts"
import { buildWorld, QUICK_PASSWORD, quickUsers, snapshot, type World } from "./helpers/world.ts"

const h = useTestServer()

const TOKEN_ACTORS = ["anonymous", "forged", "expired"] as const
const GONE = ["stranger", "removed", "left"] as const
const BLOCKED_SIDES = ["groupBlocker", "directBlocker", "directOther"] as const
// A server admin has no say in others' conversations; a disabled account's tokens are dead.
const ACTORS = [
  ...TOKEN_ACTORS,
  ...GONE,
  "member",
  "admin",
  ...BLOCKED_SIDES,
  "missingConversation",
  "serverAdmin",
  "disabled",
] as const
type Actor = (typeof ACTORS)[number]

/**
 * Who may: anyone; any signed-in user; a participant; a participant who has not blocked the group
 * (a blocked direct conversation can still be joined); an unblocked participant; a group admin;
 * "former": a participant, or one who left or was removed (they read up to their departure);
 * "sender": the unblocked participant who sent the message; "senderOrAdmin": its sender (blocked
 * or not) or an admin of the group. The world's group message is the admin's; its direct message
 * is directOther's. "serverAdmin": a server admin (not a conversation's).
 */
type Rule =
  | "public"
  | "user"
  | "participant"
  | "former"
  | "listening"
  | "unblocked"
  | "admin"
  | "sender"
  | "senderOrAdmin"
  | "serverAdmin"
interface Expected {
  outcome: "ok" | ErrorCode
  message?: RegExp
}

/** The documented answer for `actor` under `rule` (see services/membership.ts). */
function expected(rule: Rule, caller: Actor): Expected {
  if (rule === "public") return { outcome: "ok" }
  if ((TOKEN_ACTORS as readonly Actor[]).includes(caller) || caller === "disabled")
    return { outcome: "UNAUTHORIZED" }
  if (rule === "user") return { outcome: "ok" }
  if (rule === "serverAdmin")
    return caller === "serverAdmin" ? { outcome: "ok" } : { outcome: "FORBIDDEN", message: /server admin/ }
  const actor = caller === "serverAdmin" ? "stranger" : caller
  if (actor === "missingConversation") return { outcome: "NOT_FOUND" }
  if (rule === "former" && (actor === "removed" || actor === "left")) return { outcome: "ok" }
  if ((GONE as readonly Actor[]).includes(actor))
    return { outcome: "FORBIDDEN", message: /not a participant/ }
  if (rule === "former") return { outcome: "ok" }
  if (rule === "participant") return { outcome: "ok" }
  if (rule === "listening") {
    return actor === "groupBlocker" ? { outcome: "FORBIDDEN", message: /blocked/ } : { outcome: "ok" }
  }
  if (rule === "unblocked" || rule === "sender") {
    if ((BLOCKED_SIDES as readonly Actor[]).includes(actor))
      return { outcome: "FORBIDDEN", message: /blocked/ }
    if (rule === "sender" && actor === "member") return { outcome: "FORBIDDEN", message: /sender/ }
    return { outcome: "ok" }
  }
  if (rule === "senderOrAdmin")
    return actor === "admin" || actor === "directOther" ? { outcome: "ok" } : { outcome: "FORBIDDEN" }
  return actor === "admin" ? { outcome: "ok" } : { outcome: "FORBIDDEN" }
}

/** What one cell acts with: a token (or none) and the conversation, message and user it aims at. */
interface Cell extends PeopleCell {
  /** Whose token it is, when it is a live one. */
  user?: TestUser
  /** Whose credentials the cell holds, live or not (the disabled account's). */
  account?: TestUser
  token?: string
  conversationId: number
  messageId: number
  target: number
}

const MISSING = 2_000_000_000

async function cellFor(w: World, actor: Actor): Promise<Cell> {
  const group = { conversationId: w.group, messageId: w.groupMessage, target: w.victim.id, prepared: {} }
  switch (actor) {
    case "disabled":
      return { ...group, account: w.disabled, token: w.disabled.token }
    case "anonymous":
      return group
    case "forged":
      return { ...group, token: await forgedToken(w.admin.id) }
    case "expired":
      return { ...group, token: await expiredToken(w.admin.id) }
    case "missingConversation":
      return {
        user: w.admin,
        token: w.admin.token,
        conversationId: MISSING,
        messageId: MISSING,
        target: w.victim.id,
        prepared: {},
      }
    case "directBlocker":
    case "directOther": {
      const other = actor === "directBlocker" ? w.directOther : w.directBlocker
      return {
        user: w[actor],
        token: w[actor].token,
        conversationId: w.direct,
        messageId: w.directMessage,
        target: other.id,
        prepared: {},
      }
    }
    default:
      return { ...group, user: w[actor], token: w[actor].token }
  }
}

interface Op {
  name: string
  rule: Rule
  /** Reads only: the database must not change even when it succeeds. */
  pure?: boolean
  /** Answers that do not follow from the rule alone (an upload's readers), by actor. */
  outcome?(actor: Actor): Expected | undefined
}
interface HttpOp extends Op {
  /** "METHOD /path", where :id is the cell's conversation and :userId its target. */
  name: string
  okStatus: number
  body?(c: Cell, w: World): unknown
  query?(c: Cell): string
  prepare?(h: TestServer, w: World): Promise<Record<string, unknown>>
  path?(c: Cell, w: World): string
}
interface SocketOp extends Op {
  payload(c: Cell, w: World): unknown
}

let fresh = 0
const HTTP_OPS: HttpOp[] = [
  { name: "GET /api/auth/registration", rule: "public", okStatus: 200, pure: true },
  {
    name: "POST /api/auth/register",
    rule: "public",
    okStatus: 201,
    body: () => ({ email: `matrix.${process.pid}.${++fresh}@example.test`, password: QUICK_PASSWORD }),
  },
  // Not pure: it records the login (audit_events is compared without it below).
  {
    name: "POST /api/auth/login",
    rule: "public",
    okStatus: 200,
    pure: true,
    body: (c, w) => ({ email: (c.user ?? c.account ?? w.admin).email, password: QUICK_PASSWORD }),
  },
  // Public (it always clears the cookie), and not pure: it revokes the token it carries.
  { name: "POST /api/auth/logout", rule: "public", okStatus: 200 },
  { name: "POST /api/auth/logout-all", rule: "user", okStatus: 200 },
  {
    name: "POST /api/auth/password",
    rule: "user",
    okStatus: 200,
    body: () => ({ currentPassword: QUICK_PASSWORD, newPassword: "another long password" }),
  },
  { name: "GET /api/me", rule: "user", okStatus: 200, pure: true },
  {
    name: "POST /api/conversations",
    rule: "user",
    okStatus: 201,
    body: (_, w) => ({ title: "new", participantIds: [w.outsider.id] }),
  },
  { name: "GET /api/conversations", rule: "user", okStatus: 200, pure: true },
  { name: "GET /api/conversations/:id", rule: "participant", okStatus: 200, pure: true },
  { name: "GET /api/conversations/:id/messages", rule: "participant", okStatus: 200, pure: true },
  {
    name: "POST /api/conversations/:id/messages",
    rule: "unblocked",
    okStatus: 201,
    body: () => ({ text: "hello" }),
  },
  {
    name: "POST /api/conversations/:id/participants",
    rule: "admin",
    okStatus: 201,
    body: (_, w) => ({ userIds: [w.outsider.id] }),
  },
  { name: "DELETE /api/conversations/:id/participants/:userId", rule: "admin", okStatus: 200 },
  {
    name: "PATCH /api/conversations/:id/participants/:userId",
    rule: "admin",
    okStatus: 200,
    body: () => ({ role: "admin" }),
  },
  { name: "PATCH /api/conversations/:id", rule: "admin", okStatus: 200, body: () => ({ title: "renamed" }) },
  { name: "POST /api/conversations/:id/leave", rule: "participant", okStatus: 200 },
  { name: "GET /api/conversations/:id/events", rule: "former", okStatus: 200, pure: true },
  { name: "POST /api/conversations/:id/read", rule: "participant", okStatus: 200, body: () => ({ seq: 1 }) },
  {
    name: "POST /api/conversations/:id/delivered",
    rule: "participant",
    okStatus: 200,
    body: () => ({ seq: 1 }),
  },
  { name: "POST /api/conversations/:id/block", rule: "participant", okStatus: 200 },
  { name: "DELETE /api/conversations/:id/block", rule: "participant", okStatus: 200 },
  { name: "PATCH /api/messages/:id", rule: "sender", okStatus: 200, body: () => ({ text: "edited" }) },
  { name: "DELETE /api/messages/:id", rule: "senderOrAdmin", okStatus: 200 },
  { name: "GET /api/messages/:id/reactions", rule: "participant", okStatus: 200, pure: true },
  { name: "PUT /api/messages/:id/reactions/:emoji", rule: "unblocked", okStatus: 201 },
  // Nobody has reacted yet: removing is acknowledged as a duplicate.
  { name: "DELETE /api/messages/:id/reactions/:emoji", rule: "unblocked", okStatus: 200 },
  // Anyone signed in sees a profile; presence only if they share a conversation (test/presence).
  { name: "GET /api/users/:id", rule: "user", okStatus: 200, pure: true },
  // Anyone signed in may search; what they may not see is not found (test/search.test.ts).
  {
    name: "GET /api/search",
    rule: "user",
    okStatus: 200,
    pure: true,
    query: (c) => `q=before&conversationId=${c.conversationId}`,
  },
  {
    name: "PATCH /api/conversations/:id/me",
    rule: "participant",
    okStatus: 200,
    body: () => ({ mutedUntil: "2099-01-01T00:00:00Z" }),
  },
  // Any signed-in user may upload (a JSON body is UTF-8 text: text/plain).
  {
    name: "POST /api/uploads",
    rule: "user",
    okStatus: 201,
    query: () => "name=notes.txt",
    body: () => ({ note: "hi" }),
  },
  // The group admin's file, posted in the group: its participants read it (a blocker too, who is
  // still one); anyone else gets the unknown id's NOT_FOUND, never a FORBIDDEN that tells it exists.
  {
    name: "GET /api/uploads/:id",
    rule: "user",
    okStatus: 200,
    pure: true,
    prepare: async (h, w) => {
      const up = await api(h, "POST", "/api/uploads?name=notes.txt", { auth: w.admin, body: { note: "hi" } })
      const { id, url } = up.body.upload
      await api(h, "POST", `/api/conversations/${w.group}/messages`, {
        auth: w.admin,
        body: { attachments: [{ id }] },
      })
      return { url }
    },
    path: (c) => String(c.prepared.url),
    outcome: (actor) =>
      (TOKEN_ACTORS as readonly Actor[]).includes(actor) || actor === "disabled"
        ? undefined
        : ["member", "admin", "groupBlocker"].includes(actor)
          ? { outcome: "ok" }
          : { outcome: "NOT_FOUND" },
  },
  ...PEOPLE_OPS,
]

const ref = (c: Cell) => ({ conversationId: c.conversationId })
const SOCKET_OPS: SocketOp[] = [
  { name: "join_conversation", rule: "listening", payload: ref, pure: true },
  { name: "leave_conversation", rule: "participant", payload: ref, pure: true },
  { name: "send_message", rule: "unblocked", payload: (c) => ({ ...ref(c), text: "hello" }) },
  { name: "edit_message", rule: "sender", payload: (c) => ({ messageId: c.messageId, text: "edited" }) },
  { name: "delete_message", rule: "senderOrAdmin", payload: (c) => ({ messageId: c.messageId }) },
  { name: "add_reaction", rule: "unblocked", payload: (c) => ({ messageId: c.messageId, emoji: "👍" }) },
  { name: "remove_reaction", rule: "unblocked", payload: (c) => ({ messageId: c.messageId, emoji: "👍" }) },
  { name: "typing", rule: "unblocked", pure: true, payload: (c) => ({ ...ref(c), state: "typing" }) },
  { name: "mark_message_read", rule: "participant", payload: (c) => ({ messageId: c.messageId }) },
  { name: "mark_read", rule: "participant", payload: (c) => ({ ...ref(c), seq: 1 }) },
  { name: "mark_delivered", rule: "participant", payload: (c) => ({ ...ref(c), seq: 1 }) },
  // Sync names no single conversation: anyone signed in; what they may not see is listed as gone.
  { name: "sync", rule: "user", pure: true, payload: (c) => ({ conversations: { [c.conversationId]: 0 } }) },
  { name: "add_participants", rule: "admin", payload: (c, w) => ({ ...ref(c), userIds: [w.outsider.id] }) },
  { name: "remove_participant", rule: "admin", payload: (c) => ({ ...ref(c), userId: c.target }) },
  { name: "change_role", rule: "admin", payload: (c) => ({ ...ref(c), userId: c.target, role: "admin" }) },
  { name: "update_conversation", rule: "admin", payload: (c) => ({ ...ref(c), title: "renamed" }) },
  { name: "quit_conversation", rule: "participant", payload: ref },
  { name: "block_conversation", rule: "participant", payload: ref },
  { name: "unblock_conversation", rule: "participant", payload: ref },
]

/** Only actions on a conversation can name a missing one. */
const actorsFor = (op: Op) =>
  ACTORS.filter(
    (a) =>
      a !== "missingConversation" ||
      ["participant", "listening", "unblocked", "admin", "sender", "senderOrAdmin"].includes(op.rule),
  )
const label = (e: Expected, okStatus?: number) =>
  e.outcome === "ok"
    ? `ok${okStatus ? ` ${okStatus}` : ""}`
    : `${e.outcome}${okStatus ? ` ${ERROR_STATUS[e.outcome]}` : ""}`

/** The route's path for a cell: :id names its message, its target user, or its conversation. */
const pathFor = (template: string, c: Cell) =>
  template
    .replace(
      ":id",
      String(
        template.startsWith("/api/messages/")
          ? c.messageId
          : template.startsWith("/api/users/")
            ? c.target
            : c.conversationId,
      ),
    )
    .replace(":userId", String(c.target))
    .replace(":emoji", encodeURIComponent("👍"))
/** The answer `actor` gets; a disabled account's right password learns that it is disabled. */
const expectedOf = (op: Op, actor: Actor): Expected =>
  op.name === "POST /api/auth/login" && actor === "disabled"
    ? { outcome: "FORBIDDEN", message: /account disabled/i }
    : (op.outcome?.(actor) ?? expected(op.rule, actor))

/** Runs `act` on a fresh world; a refusal (or a pure success) must leave every table as it was. */
async function inWorld(op: Op & Partial<HttpOp>, actor: Actor, act: (c: Cell, w: World) => Promise<void>) {
  const w = await buildWorld(h)
  const cell = { ...(await cellFor(w, actor)), prepared: (await op.prepare?.(h, w)) ?? {} }
  // A login, refused or not, is recorded.
  const ignored = op.name === "POST /api/auth/login" ? ["audit_events"] : []
  const before = snapshot(h, ignored)
  await act(cell, w)
  if (expectedOf(op, actor).outcome !== "ok" || op.pure) expect(snapshot(h, ignored)).toEqual(before)
}

describe.each(HTTP_OPS.map((op) => [op.name, op] as const))("%s", (_, op) => {
  test.each(actorsFor(op).map((a) => [a, label(expectedOf(op, a), op.okStatus)]))(
    "%s gets %s",
    (actor, _label) =>
      inWorld(op, actor as Actor, async (c, w) => {
        const want = expectedOf(op, actor as Actor)
        const [method, template] = op.name.split(" ") as [string, string]
        const path = op.path?.(c, w) ?? pathFor(template, c) + (op.query ? `?${op.query(c)}` : "")
        const headers: Record<string, string> = c.token ? { authorization: `Bearer ${c.token}` } : {}
        const res = await api(h, method, path, { body: op.body?.(c, w), headers })
        if (want.outcome === "ok") {
          expect({ status: res.status, body: res.body }).toMatchObject({ status: op.okStatus })
          return
        }
        expect({ status: res.status, code: res.body?.error?.code }).toEqual({
          status: ERROR_STATUS[want.outcome],
          code: want.outcome,
        })
        if (want.message) expect(res.body.error.message).toMatch(want.message)
      }),
  )
})

describe.each(SOCKET_OPS.map((op) => [op.name, op] as const))("socket %s", (_, op) => {
  test.each(actorsFor(op).map((a) => [a, label(expectedOf(op, a))]))("%s gets %s", (actor, _label) =>
    inWorld(op, actor as Actor, async (c, w) => {
      const want = expectedOf(op, actor as Actor)
      if (!c.user) {
        // No socket without a valid token: the handshake itself is refused.
        const err = await connectError(socketFor(h, { auth: c.token ? { token: c.token } : {} }))
        expect(err.data?.code).toBe("UNAUTHORIZED")
        return
      }
      const s = await connect(h, c.user)
      const error = want.outcome === "ok" ? undefined : waitFor(s, "error", (e) => e.event === op.name)
      const ack = await s.timeout(5000).emitWithAck(op.name, op.payload(c, w))
      if (want.outcome === "ok") {
        expect(ack).toMatchObject({ ok: true })
        return
      }
      expect(ack).toMatchObject({ ok: false, error: { code: want.outcome } })
      expect(await error).toMatchObject({ code: want.outcome, event: op.name })
      if (want.message) expect(ack.error.message).toMatch(want.message)
    }),
  )
})

// The one server event this matrix adds: who hears a participant's new name.
describe("server event user_updated", () => {
  const HEARS = {
    admin: true,
    member: true,
    stranger: false,
    removed: false,
    left: false,
    groupBlocker: false,
  }
  const cases = Object.entries(HEARS).map(([who, hears]) => [who, hears ? "hears it" : "does not hear it"])
  test.each(cases)("%s %s", async (listener, verdict) => {
    const hears = verdict === "hears it"
    const w = await buildWorld(h)
    const s = await connect(h, w[listener as keyof typeof HEARS])
    const heard = hears ? waitFor(s, "user_updated") : nothingWithin(s, "user_updated", 300)
    await api(h, "PATCH", "/api/me", { auth: w.victim, body: { displayName: "victim renamed" } })
    expect(await heard).toEqual(
      hears ? { user: { id: w.victim.id, email: "", displayName: "victim renamed" } } : true,
    )
  })
})

test("the matrix covers every route and every event the server listens to", async () => {
  expect(HTTP_OPS.map((o) => o.name).sort()).toEqual(ROUTES.map(([route]) => route).sort())
  const [user] = await quickUsers(h, ["census"])
  await connect(h, user!)
  const [serverSide] = h.server.io.of("/").sockets.values()
  expect(SOCKET_OPS.map((o) => o.name).sort()).toEqual(handledEvents(serverSide!))
})
