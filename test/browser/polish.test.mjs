/**
 * Review fixes, in Chromium against the executable: the profile's language at start-up, the message log
 * kept at the bottom while images load, and the sign-up form following the server's registration mode.
 */
import assert from "node:assert/strict"
import { describe, test } from "node:test"
import { crc32, deflateSync } from "node:zlib"
import {
  api,
  assertNoDialogsOrErrors,
  newContext,
  register,
  signInContext,
  startServer,
  useServerAndBrowser,
} from "./harness.mjs"

let server
let browser
const contexts = []

useServerAndBrowser((started) => {
  ;({ server, browser } = started)
})

describe("the language saved in the profile", () => {
  test("a profile in French shows French in an English browser, after sign-in and after a reload; the selector saves the choice, and the other open window follows", async () => {
    const account = await register(server, "Françoise Lang")
    await api(server, account, "PATCH", "/api/me", { locale: "fr" })

    const context = await newContext(browser, server, { locale: "en-US" })
    contexts.push(context)
    const page = await context.newPage()
    // Signing in through the (English) form.
    await page.goto("/signin")
    await page.getByLabel("Email").fill(account.email)
    await page.getByLabel("Password").fill(account.password)
    await page.getByRole("button", { name: "Sign in" }).click()
    await page.getByRole("navigation", { name: "Principale" }).waitFor()
    assert.equal(await page.evaluate(() => document.documentElement.lang), "fr")

    // A reload in a fresh window (nothing remembered by the page) reads the profile again.
    const fresh = await newContext(browser, server, { locale: "en-US" })
    contexts.push(fresh)
    await signInContext(fresh, server, account)
    const second = await fresh.newPage()
    await second.goto("/")
    await second.getByRole("button", { name: "Se déconnecter" }).waitFor()
    await second.reload()
    await second.getByRole("button", { name: "Se déconnecter" }).waitFor()

    // Choosing English in the header saves it to the profile: the page shows English at once and saves it
    // in the background, so the profile is read once the page's PATCH has been answered.
    const saved = second.waitForResponse(
      (r) => new URL(r.url()).pathname === "/api/me" && r.request().method() === "PATCH",
    )
    await second.getByRole("combobox", { name: "Langue" }).selectOption("en")
    await second.getByRole("button", { name: "Sign out" }).waitFor()
    assert.equal((await saved).status(), 200)
    assert.equal((await api(server, account, "GET", "/api/me")).user.locale, "en")
    // The first window, still open, turns English at once: its socket hears the change.
    await page.getByRole("button", { name: "Sign out" }).waitFor()
    assert.equal(await page.evaluate(() => document.documentElement.lang), "en")
    assertNoDialogsOrErrors(contexts)
  })
})

/** A plain grey PNG of `width` by `height` pixels. */
function png(width, height) {
  const chunk = (type, data) => {
    const length = Buffer.alloc(4)
    length.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type, "latin1"), data])
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(body))
    return Buffer.concat([length, body, crc])
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header.set([8, 0, 0, 0, 0], 8) // 8-bit greyscale
  const rows = Buffer.alloc((width + 1) * height, 0x80)
  for (let y = 0; y < height; y++) rows[y * (width + 1)] = 0
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ])
}

/** Uploads an image over HTTP and sends it in a message: the upload's id. */
async function sendImage(account, conversationId, name) {
  const res = await fetch(`${server.url}/api/uploads?name=${name}`, {
    method: "POST",
    headers: { authorization: `Bearer ${account.token}`, "content-type": "image/png" },
    body: png(600, 400),
  })
  if (res.status !== 201) throw new Error(`upload: ${res.status} ${await res.text()}`)
  const { upload } = await res.json()
  await api(server, account, "POST", `/api/conversations/${conversationId}/messages`, {
    attachments: [{ id: upload.id }],
  })
  return upload.id
}

/** Holds the page's requests for one upload until `release()`. */
async function holdUpload(page, id) {
  let release
  const released = new Promise((resolve) => {
    release = resolve
  })
  await page.route(`**/api/uploads/${id}`, async (route) => {
    await released
    await route.continue()
  })
  return release
}

const fromBottom = (page) =>
  page
    .getByRole("log", { name: "Messages" })
    .evaluate((box) => box.scrollHeight - box.scrollTop - box.clientHeight)

const scrollTop = (page) => page.getByRole("log", { name: "Messages" }).evaluate((box) => box.scrollTop)

/** Waits for the image named `name` in the log to be drawn (its natural size known). */
async function drawn(page, name) {
  const image = page.getByRole("log", { name: "Messages" }).getByRole("img", { name })
  await page.waitForFunction((img) => img.complete && img.naturalWidth === 600, await image.elementHandle())
}

describe("the message log and images that load late", () => {
  test("an image drawn after the first scroll keeps the log at the newest message; a reader of older messages stays put", async () => {
    const alice = await register(server, "Alice Pinned")
    const bob = await register(server, "Bob Reader")
    const { id } = await api(server, alice, "POST", "/api/conversations", {
      type: "direct",
      participantIds: [bob.user.id],
    })
    for (let i = 1; i <= 20; i++)
      await api(server, alice, "POST", `/api/conversations/${id}/messages`, { text: `line ${i}` })
    const first = await sendImage(alice, id, "late.png")

    const context = await newContext(browser, server)
    contexts.push(context)
    await signInContext(context, server, bob)
    const page = await context.newPage()
    const release = await holdUpload(page, first)
    await page.goto(`/c/${id}`)
    const log = page.getByRole("log", { name: "Messages" })
    await log.getByRole("img", { name: "late.png" }).waitFor({ state: "attached" })
    await page.waitForFunction(() => {
      const box = document.querySelector('[role="log"]')
      return (
        box && box.scrollHeight > box.clientHeight && box.scrollHeight - box.scrollTop - box.clientHeight < 2
      )
    })
    release()
    await drawn(page, "late.png")
    // The image grew the log by its height: the newest message is still in view, the log at its bottom.
    await page.waitForFunction(() => {
      const box = document.querySelector('[role="log"]')
      return box.scrollHeight - box.scrollTop - box.clientHeight < 2
    })

    // Bob scrolls up to read; an image that arrives and is drawn then does not move what he reads.
    await log.evaluate((box) => {
      box.scrollTop = box.scrollHeight - box.clientHeight - 400
    })
    await page.waitForFunction(() => {
      const box = document.querySelector('[role="log"]')
      return box.scrollHeight - box.scrollTop - box.clientHeight > 300
    })
    const reading = await scrollTop(page)
    const second = await sendImageHeld(page, alice, id)
    await log.getByRole("img", { name: "later.png" }).waitFor({ state: "attached" })
    second.release()
    await drawn(page, "later.png")
    assert.equal(await scrollTop(page), reading)
    assert.ok((await fromBottom(page)) > 300)
    assertNoDialogsOrErrors(contexts)
  })
})

/** Sends an image whose download the page holds: the route is set before the message is sent. */
async function sendImageHeld(page, account, conversationId) {
  let release
  const released = new Promise((resolve) => {
    release = resolve
  })
  await page.route("**/api/uploads/*", async (route) => {
    await released
    await route.continue()
  })
  await sendImage(account, conversationId, "later.png")
  return { release }
}

describe("the sign-up form follows REGISTRATION", () => {
  test("open: no invite code asked; invite: the invite code asked for; closed: a clear message and no form", async () => {
    const context = await newContext(browser, server)
    contexts.push(context)
    const page = await context.newPage()
    const answered = page.waitForResponse("**/api/auth/registration")
    await page.goto("/signup")
    await page.getByRole("heading", { name: "Sign up" }).waitFor()
    assert.equal((await (await answered).json()).mode, "open")
    // Once the server said the mode, an open server asks for no invite code.
    await page.getByLabel("Invite code").waitFor({ state: "detached" })
    await page.getByRole("button", { name: "Sign up" }).waitFor()

    const byInvite = await startServer({ REGISTRATION: "invite" })
    const closed = await startServer({ REGISTRATION: "closed" })
    try {
      const invitePage = await (await newContext(browser, byInvite)).newPage()
      await invitePage.goto("/signup")
      // The field shows (optional) until the server has said the mode; then it is required.
      await invitePage.getByLabel("Invite code").and(invitePage.locator("[required]")).waitFor()

      const closedContext = await newContext(browser, closed)
      const closedPage = await closedContext.newPage()
      await closedPage.goto("/signup")
      await closedPage.getByText("Registration is closed on this server").waitFor()
      assert.equal(await closedPage.getByRole("button", { name: "Sign up" }).count(), 0)
      assert.equal(await closedPage.getByLabel("Email").count(), 0)
      await closedPage.getByRole("link", { name: "Sign in" }).waitFor()
      assert.deepEqual(closedContext.pageErrors, [])
    } finally {
      await byInvite.close()
      await closed.close()
    }
    assertNoDialogsOrErrors(contexts)
  })
})
