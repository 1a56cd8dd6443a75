import { expect, test } from "bun:test"
import { rmSync } from "node:fs"
import type { Socket } from "socket.io-client"
import { api, connect, createConversation, type TestUser } from "./helpers/clients.ts"
import { startTestServer } from "./helpers/server.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { waitFor } from "./helpers/wait.ts"
import { quickUsers } from "./helpers/world.ts"

const GRACE_MS = 300
const h = useTestServer({ PRESENCE_GRACE_MS: String(GRACE_MS) })

/** Alice and Bob share a conversation; Eve shares none with Alice. */
async function cast() {
  const [alice, bob, eve] = (await quickUsers(h, ["alice", "bob", "eve"])) as [TestUser, TestUser, TestUser]
  const id = await createConversation(h, alice, [bob])
  await createConversation(h, bob, [eve])
  const [b, e] = await Promise.all([connect(h, bob), connect(h, eve)])
  return { id, alice, bob, eve, b, e }
}
const profile = async (viewer: TestUser, of: TestUser) =>
  (await api(h, "GET", `/api/users/${of.id}`, { auth: viewer })).body.user
/** The next presence about `user` that `s` hears (others' presence may come and go meanwhile). */
const heardAbout = (s: Socket, user: TestUser) => waitFor(s, "presence", (p) => p.userId === user.id)
/** Every presence about `user` that `s` hears from now on. */
function about(s: Socket, user: TestUser): unknown[] {
  const got: unknown[] = []
  s.on("presence", (p) => (p.userId === user.id ? got.push(p) : undefined))
  return got
}
/** Only to show that nothing arrived. */
const quiet = (ms: number) => Bun.sleep(ms)

test("a first device brings the user online for those who share a conversation, and nobody else", async () => {
  const { alice, b, e } = await cast()
  const stranger = about(e, alice)
  const [heard] = await Promise.all([heardAbout(b, alice), connect(h, alice)])
  expect(heard).toEqual({ userId: alice.id, online: true, lastSeenAt: null })
  const again = about(b, alice)
  await connect(h, alice)
  await quiet(300)
  expect({ stranger, again }).toEqual({ stranger: [], again: [] })
})

test("after the last device leaves and the grace passes: offline, with when it was last seen, everywhere", async () => {
  const { id, alice, bob, eve, b } = await cast()
  const [, a1, a2] = await Promise.all([heardAbout(b, alice), connect(h, alice), connect(h, alice)])
  expect(await profile(bob, alice)).toMatchObject({ online: true, lastSeenAt: null })
  const early = about(b, alice)
  a1.close()
  await quiet(GRACE_MS + 200)
  expect(early).toEqual([])
  const leftAt = Date.now()
  a2.close()
  const gone = await heardAbout(b, alice)
  expect(gone).toEqual({ userId: alice.id, online: false, lastSeenAt: gone.lastSeenAt })
  expect(Date.parse(gone.lastSeenAt)).toBeGreaterThanOrEqual(leftAt - 1000)

  expect(await profile(bob, alice)).toEqual({
    id: alice.id,
    email: "",
    displayName: "alice",
    online: false,
    lastSeenAt: gone.lastSeenAt,
  })
  const conversation = await api(h, "GET", `/api/conversations/${id}`, { auth: bob })
  expect(conversation.body.participants.find((p: any) => p.id === alice.id)).toMatchObject({
    online: false,
    lastSeenAt: gone.lastSeenAt,
  })
  expect(conversation.body.participants.find((p: any) => p.id === bob.id)).toMatchObject({
    online: true,
    lastSeenAt: null,
  })
  // Someone who shares no conversation with her sees her profile, not her presence.
  expect(await profile(eve, alice)).toEqual({
    id: alice.id,
    email: "",
    displayName: "alice",
    online: null,
    lastSeenAt: null,
  })
})

test("a reload within the grace is not an offline blip", async () => {
  const { alice, bob, b } = await cast()
  const [, a] = await Promise.all([heardAbout(b, alice), connect(h, alice)])
  const blip = about(b, alice)
  a.close()
  await connect(h, alice)
  await quiet(GRACE_MS + 300)
  expect(blip).toEqual([])
  expect(await profile(bob, alice)).toMatchObject({ online: true })
})

test("sharing only a group one of them blocked is not sharing: no presence, none shown", async () => {
  const [alice, carol] = (await quickUsers(h, ["alice", "carol"])) as [TestUser, TestUser]
  const id = await createConversation(h, alice, [carol])
  await api(h, "POST", `/api/conversations/${id}/block`, { auth: carol })
  const c = await connect(h, carol)
  const heard = about(c, alice)
  await connect(h, alice)
  await quiet(300)
  expect(heard).toEqual([])
  expect(await profile(carol, alice)).toMatchObject({ online: null, lastSeenAt: null })
})

test("GET /api/users/:id: 404 for nobody, 400 for a bad id", async () => {
  const [alice] = (await quickUsers(h, ["alice"])) as [TestUser]
  expect((await api(h, "GET", "/api/users/999999999", { auth: alice })).body.error.code).toBe("NOT_FOUND")
  expect((await api(h, "GET", "/api/users/abc", { auth: alice })).body.error.code).toBe("BAD_REQUEST")
  expect(await profile(alice, alice)).toMatchObject({
    id: alice.id,
    email: alice.email,
    online: false,
    lastSeenAt: null,
  })
})

test("a stop records when each connected user was last seen", async () => {
  const other = await startTestServer({ PRESENCE_GRACE_MS: "60000" })
  try {
    const [alice] = (await quickUsers(other, ["alice"])) as [TestUser]
    await connect(other, alice)
    const before = Date.now()
    await other.server.stop()
    const [row] = other.query<{ at: number | null }>(
      "select last_seen_at as at from users where id = ?",
      alice.id,
    )
    expect(row!.at).toBeGreaterThanOrEqual(before - 1000)
  } finally {
    rmSync(other.dir, { recursive: true, force: true })
  }
})
