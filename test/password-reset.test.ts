/** Password reset tokens: made by an admin, used once, until they expire; a newer one replaces the older. */
import { expect, test } from "bun:test"
import { api, connect } from "./helpers/clients.ts"
import { auditRows, serverAdmin } from "./helpers/people.ts"
import { writeDb } from "./helpers/tokens.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { waitFor } from "./helpers/wait.ts"
import { QUICK_PASSWORD, quickUsers } from "./helpers/world.ts"

const h = useTestServer()
const reset = (token: string, newPassword = "a brand new password") =>
  api(h, "POST", "/api/auth/reset", { body: { token, newPassword } })
const login = (email: string, password: string) =>
  api(h, "POST", "/api/auth/login", { body: { email, password } })

test("the token sets a new password once; older tokens and sockets of the account are revoked", async () => {
  const root = await serverAdmin(h)
  const [fay] = await quickUsers(h, ["fay"])
  const socket = await connect(h, fay)
  const made = await api(h, "POST", `/api/admin/users/${fay.id}/password-reset`, { auth: root })
  expect(made.status).toBe(201)
  expect(made.body).toEqual({ userId: fay.id, token: expect.any(String), expiresAt: expect.any(String) })
  // Only a hash is stored.
  expect(h.query("select token_hash from password_resets where token_hash = ?", made.body.token)).toEqual([])

  const [done, gone] = await Promise.all([reset(made.body.token), waitFor(socket, "disconnect")])
  expect(done.body).toEqual({ ok: true })
  expect(gone).toBe("io server disconnect")
  expect((await api(h, "GET", "/api/me", { auth: fay })).status).toBe(401)
  expect((await login(fay.email, QUICK_PASSWORD)).status).toBe(401)
  expect((await login(fay.email, "a brand new password")).status).toBe(200)
  const again = await reset(made.body.token, "yet another password")
  expect(again.body.error).toMatchObject({ code: "BAD_REQUEST", field: "token" })
  expect(auditRows(h, "admin.password_reset", `user:${fay.id}`)).toMatchObject([{ actor_id: root.id }])
  expect(auditRows(h, "auth.password_reset", `user:${fay.id}`)).toMatchObject([{ actor_id: fay.id }])
})

test("an expired token, an unknown one and a replaced one are refused alike; the password stays", async () => {
  const root = await serverAdmin(h)
  const [gus] = await quickUsers(h, ["gus"])
  const make = async () =>
    (await api(h, "POST", `/api/admin/users/${gus.id}/password-reset`, { auth: root })).body.token as string
  const replaced = await make()
  const expired = await make()
  await writeDb(
    h,
    "update password_resets set expires_at = ? where user_id = ? and used_at is null",
    Date.now() - 1,
    gus.id,
  )
  for (const token of [replaced, expired, "not-a-token"]) {
    const res = await reset(token)
    expect(res.body.error).toEqual({
      code: "BAD_REQUEST",
      field: "token",
      message: "token: this reset token is not valid, already used or expired",
    })
  }
  expect((await login(gus.email, QUICK_PASSWORD)).status).toBe(200)
  const short = await reset(await make(), "short")
  expect(short.body.error).toMatchObject({ code: "BAD_REQUEST", field: "newPassword" })
})
