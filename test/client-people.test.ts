/** The typed client's people and administration helpers, end to end on a server with invites. */
import { expect, test } from "bun:test"
import { CauserieError, createHttp } from "causerie/client"
import { useTestServer } from "./helpers/useTestServer.ts"

const h = useTestServer({ REGISTRATION: "closed" })
const PASSWORD = "correct horse battery"
const email = (name: string) => `${name}.${process.pid}@example.test`

test("an admin makes an account; its owner sets a password, finds a colleague, renames, exports, leaves", async () => {
  const root = createHttp({ url: h.url })
  await expect(root.register({ email: email("root"), password: PASSWORD })).rejects.toMatchObject({
    code: "FORBIDDEN",
    status: 403,
  })
  // The first account of a closed server comes from the command line; here, straight from the services.
  const first = await h.server.services.people.registration.createFromCli(
    { email: email("root"), password: PASSWORD, displayName: "Root" },
    true,
  )
  const { user: admin } = await root.login({ email: email("root"), password: PASSWORD })
  expect(admin).toMatchObject({ id: first.id, isAdmin: true })

  const made = await root.admin.users.create({ email: email("zed"), displayName: "Zed Zeta" })
  const zed = createHttp({ url: h.url })
  await zed.resetPassword({ token: made.reset.token, newPassword: PASSWORD })
  await zed.login({ email: email("zed"), password: PASSWORD })
  expect((await zed.users.search("roo")).map((u) => u.displayName)).toEqual(["Root"])
  expect((await zed.updateMe({ locale: "de" })).locale).toBe("de")

  const text = await new Response(await zed.exportData()).text()
  expect(JSON.parse(text).account).toMatchObject({ id: made.user.id, locale: "de" })
  await zed.deleteMe(PASSWORD)
  await expect(zed.me()).rejects.toBeInstanceOf(CauserieError)

  const { events } = await root.admin.audit({ action: "account.delete" })
  expect(events.map((e) => e.target)).toEqual([`user:${made.user.id}`])
  expect((await root.admin.invites.create({ uses: 2 })).invite.maxUses).toBe(2)
})
