/** GET /api/admin/audit: server admins read the audit log newest first, filtered by actor and action. */
import { describe, expect, test } from "bun:test"
import { api, createConversation } from "./helpers/clients.ts"
import { serverAdmin } from "./helpers/people.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { quickUsers } from "./helpers/world.ts"

const h = useTestServer()
const LOOPBACK = /^(::ffff:)?127\.0\.0\.1$/

describe("GET /api/admin/audit", () => {
  test("newest first, filtered by actor and action, paged with before", async () => {
    const root = await serverAdmin(h)
    const [alice] = await quickUsers(h, ["alice"])
    for (const title of ["one", "two", "three"]) await createConversation(h, alice, [], title)
    const read = (query: string) => api(h, "GET", `/api/admin/audit?${query}`, { auth: root })

    const mine = await read(`actor=${alice.id}&action=conversation.create&limit=2`)
    expect(mine.status).toBe(200)
    expect(mine.body.events).toHaveLength(2)
    expect(mine.body.events.map((e: any) => e.details.participantIds)).toEqual([[], []])
    expect(mine.body.events[0].id).toBeGreaterThan(mine.body.events[1].id)
    expect(mine.body.events[0]).toEqual({
      id: expect.any(Number),
      createdAt: expect.any(String),
      actorId: alice.id,
      action: "conversation.create",
      target: expect.stringMatching(/^conversation:\d+$/),
      address: expect.stringMatching(LOOPBACK),
      details: { type: "group", participantIds: [] },
    })
    const older = await read(
      `actor=${alice.id}&action=conversation.create&limit=2&before=${mine.body.nextBefore}`,
    )
    expect(older.body).toMatchObject({ nextBefore: null })
    expect(older.body.events).toHaveLength(1)
    expect(new Set([...mine.body.events, ...older.body.events].map((e: any) => e.target)).size).toBe(3)
  })

  test("members and unknown callers are refused; bad filters are 400 naming the field", async () => {
    const root = await serverAdmin(h)
    const [member] = await quickUsers(h, ["member"])
    expect((await api(h, "GET", "/api/admin/audit", { auth: member })).body.error).toMatchObject({
      code: "FORBIDDEN",
      message: "Only a server admin can do this",
    })
    expect((await api(h, "GET", "/api/admin/audit")).status).toBe(401)
    for (const [query, field] of [
      ["action=auth.nothing", "action"],
      ["actor=abc", "actor"],
      ["before=0", "before"],
      ["limit=501", "limit"],
    ]) {
      const res = await api(h, "GET", `/api/admin/audit?${query}`, { auth: root })
      expect({ query, status: res.status, field: res.body.error?.field }).toEqual({
        query,
        status: 400,
        field,
      })
    }
  })
})
