/**
 * PATCH /api/me: a new name reaches the devices of those who share a conversation (and mine), not
 * strangers; a new email needs the current password and reaches only my devices.
 */
import { expect, test } from "bun:test"
import { api, connect, createConversation, join, type TestUser } from "./helpers/clients.ts"
import { auditRows } from "./helpers/people.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { nothingWithin, waitFor } from "./helpers/wait.ts"
import { QUICK_PASSWORD, quickUsers } from "./helpers/world.ts"

const h = useTestServer()
const patch = (user: TestUser, body: unknown) => api(h, "PATCH", "/api/me", { auth: user, body })

test("a new display name: user_updated to a teammate (email hidden) and my other device, not to a stranger", async () => {
  const [nina, mate, stranger] = await quickUsers(h, ["nina", "mate", "stranger"])
  const id = await createConversation(h, nina, [mate])
  const [phone, laptop, mates, strangers] = await Promise.all([
    connect(h, nina),
    connect(h, nina),
    connect(h, mate),
    connect(h, stranger),
  ])
  await Promise.all([join(phone, id), join(mates, id)])
  const [res, onLaptop, onMate, leaked] = await Promise.all([
    patch(nina, { displayName: "  Nina Simone ", locale: "fr-CA" }),
    waitFor(laptop, "user_updated"),
    waitFor(mates, "user_updated"),
    nothingWithin(strangers, "user_updated", 300),
  ])
  expect(res.body.user).toEqual({
    id: nina.id,
    email: nina.email,
    displayName: "Nina Simone",
    isAdmin: false,
    locale: "fr-CA",
  })
  expect(onLaptop).toEqual({
    user: { id: nina.id, email: nina.email, displayName: "Nina Simone" },
    locale: "fr-CA",
  })
  expect(onMate).toEqual({ user: { id: nina.id, email: "", displayName: "Nina Simone" } })
  expect(leaked).toBe(true)
  // The socket opened before the change speaks under the new name.
  const [ack, heard] = await Promise.all([
    phone.emitWithAck("send_message", { conversationId: id, text: "renamed" }),
    waitFor(mates, "new_message"),
  ])
  expect([ack.message.sender.displayName, heard.message.sender.displayName]).toEqual([
    "Nina Simone",
    "Nina Simone",
  ])
  expect((await api(h, "GET", "/api/me", { auth: nina })).body.user.locale).toBe("fr-CA")
  expect(JSON.parse(auditRows(h, "account.update", `user:${nina.id}`)[0]!.details)).toEqual({
    displayName: "Nina Simone",
    locale: "fr-CA",
  })
})

test("a language is news to my other devices only; null clears a name", async () => {
  const [omar, mate] = await quickUsers(h, ["omar", "mate"])
  await createConversation(h, omar, [mate])
  const [mates, tablet] = await Promise.all([connect(h, mate), connect(h, omar)])
  const [res, quiet, onTablet] = await Promise.all([
    patch(omar, { locale: "ar" }),
    nothingWithin(mates, "user_updated", 300),
    waitFor(tablet, "user_updated"),
  ])
  expect([res.body.user.locale, quiet]).toEqual(["ar", true])
  expect(onTablet).toEqual({ user: { id: omar.id, email: omar.email, displayName: "omar" }, locale: "ar" })
  // The same language again is no change: nothing is sent.
  const [, again] = await Promise.all([
    patch(omar, { locale: "ar" }),
    nothingWithin(tablet, "user_updated", 300),
  ])
  expect(again).toBe(true)
  const [cleared, told] = await Promise.all([
    patch(omar, { displayName: null }),
    waitFor(mates, "user_updated"),
  ])
  expect([cleared.body.user.displayName, told.user.displayName]).toEqual([null, null])
  expect(told).not.toHaveProperty("locale")
})

test("a new email needs the current password, must be free, and is told to my devices only", async () => {
  const [pia, mate, other] = await quickUsers(h, ["pia", "mate", "other"])
  await createConversation(h, pia, [mate])
  const fresh = `pia.new.${Date.now()}@example.test`
  expect((await patch(pia, { email: fresh })).body.error).toMatchObject({
    code: "BAD_REQUEST",
    field: "currentPassword",
  })
  expect((await patch(pia, { email: fresh, currentPassword: "wrong one" })).body.error).toMatchObject({
    code: "UNAUTHORIZED",
    field: "currentPassword",
  })
  expect(
    (await patch(pia, { email: other.email, currentPassword: QUICK_PASSWORD })).body.error,
  ).toMatchObject({
    code: "CONFLICT",
    field: "email",
  })
  const [mine, mates] = await Promise.all([connect(h, pia), connect(h, mate)])
  const [res, onMine, quiet] = await Promise.all([
    patch(pia, { email: fresh.toUpperCase(), currentPassword: QUICK_PASSWORD }),
    waitFor(mine, "user_updated"),
    nothingWithin(mates, "user_updated", 300),
  ])
  expect([res.body.user.email, onMine.user.email, quiet]).toEqual([fresh, fresh, true])
  const login = await api(h, "POST", "/api/auth/login", { body: { email: fresh, password: QUICK_PASSWORD } })
  expect(login.status).toBe(200)
  expect(JSON.parse(auditRows(h, "account.email_change", `user:${pia.id}`)[0]!.details)).toEqual({
    from: pia.email,
    to: fresh,
  })
})

test("bad profile inputs are 400 naming the field; no token is 401", async () => {
  const [quin] = await quickUsers(h, ["quin"])
  for (const [body, field] of [
    [{}, "displayName"],
    [{ displayName: "" }, "displayName"],
    [{ displayName: "x".repeat(101) }, "displayName"],
    [{ locale: "not a language" }, "locale"],
    [{ locale: 12 }, "locale"],
    [{ email: "nope", currentPassword: QUICK_PASSWORD }, "email"],
  ] as const) {
    const res = await patch(quin, body)
    expect({ body, status: res.status, field: res.body.error?.field }).toEqual({ body, status: 400, field })
  }
  expect((await api(h, "PATCH", "/api/me", { body: { displayName: "x" } })).status).toBe(401)
})
