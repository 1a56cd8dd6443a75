import { beforeAll, describe, expect, test } from "bun:test"
import type { Socket } from "socket.io-client"
import {
  connectError,
  createConversation,
  join,
  signUp,
  signUpAll,
  socketFor,
  type TestUser,
} from "./helpers/clients.ts"
import { expiredToken, forgedToken, MALFORMED_TOKEN, writeDb } from "./helpers/tokens.ts"
import { useTestServer } from "./helpers/useTestServer.ts"

const h = useTestServer()
let alice: TestUser
let bob: TestUser
let conversationId: number
beforeAll(async () => {
  ;[alice, bob] = await signUpAll(h, ["alice", "bob"])
  conversationId = await createConversation(h, alice, [bob])
})

const connected = (s: Socket) =>
  new Promise<void>((resolve, reject) => {
    s.once("connect", () => resolve())
    s.once("connect_error", reject)
  })

/** The socket acts as the user its token names: what it sends is signed with that user. */
async function expectActsAs(s: Socket, user: TestUser) {
  await connected(s)
  expect((await join(s, conversationId)).ok).toBe(true)
  const ack = await s.emitWithAck("send_message", { conversationId, text: `as ${user.email}` })
  expect(ack.message.sender).toEqual({ id: user.id, email: "", displayName: user.displayName })
  expect(h.query("select sender_id from messages where id = ?", ack.message.id)).toEqual([
    { sender_id: user.id },
  ])
}

// Bun loads engine.io-client's Node build: websocket goes through `ws` (Bun's built-in replacement,
// which sends `extraHeaders` on the upgrade) and polling through xmlhttprequest-ssl, which sends
// them too. So all three sources work over both transports, and the six cases below pass.
describe.each([["websocket"], ["polling"]])("the three token sources over %s", (transport) => {
  const transports = [transport]

  test("auth.token", async () => {
    await expectActsAs(socketFor(h, { transports, auth: { token: alice.token } }), alice)
  })

  test("the token query parameter (as the seed shows)", async () => {
    await expectActsAs(socketFor(h, { transports, query: { token: bob.token } }), bob)
  })

  test("the token cookie (extraHeaders)", async () => {
    await expectActsAs(
      socketFor(h, { transports, extraHeaders: { cookie: `a=1; token=${alice.token}` } }),
      alice,
    )
  })
})

describe("refusals: a connect_error that says which, with code UNAUTHORIZED", () => {
  const refusal = async (options: Parameters<typeof socketFor>[1]) => {
    const err = await connectError(socketFor(h, options))
    expect(err.data?.code).toBe("UNAUTHORIZED")
    return err.message
  }

  test("missing, malformed, forged, expired, revoked and deleted-user tokens", async () => {
    const ghost = await signUp(h, "ghost")
    const revoked = await signUp(h, "revoked")
    expect(await writeDb(h, "delete from users where id = ?", ghost.id)).toBe(1)
    expect(
      await writeDb(h, "update users set token_version = token_version + 1 where id = ?", revoked.id),
    ).toBe(1)

    const messages = {
      missing: await refusal({}),
      malformed: await refusal({ auth: { token: MALFORMED_TOKEN } }),
      forged: await refusal({ auth: { token: await forgedToken(alice.id) } }),
      expired: await refusal({ auth: { token: await expiredToken(alice.id) } }),
      revoked: await refusal({ auth: { token: revoked.token } }),
      deleted: await refusal({ auth: { token: ghost.token } }),
    }
    expect(messages.missing).toMatch(/missing/i)
    expect(messages.malformed).toMatch(/malformed/i)
    expect(messages.forged).toMatch(/signature/i)
    expect(messages.expired).toMatch(/expired/i)
    expect(messages.revoked).toMatch(/revoked/i)
    expect(messages.deleted).toMatch(/no longer exists/i)
    expect(new Set(Object.values(messages)).size).toBe(6)
  })

  test("each source is checked: a bad token in the query or the cookie is refused too", async () => {
    const forged = await forgedToken(alice.id)
    expect(await refusal({ query: { token: forged } })).toMatch(/signature/i)
    expect(await refusal({ extraHeaders: { cookie: `token=${forged}` } })).toMatch(/signature/i)
    expect(
      await refusal({ transports: ["polling"], extraHeaders: { cookie: `token=${MALFORMED_TOKEN}` } }),
    ).toMatch(/malformed/i)
    expect(await refusal({ auth: { token: 42 } })).toMatch(/missing/i)
  })
})
