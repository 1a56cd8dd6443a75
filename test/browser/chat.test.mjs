/**
 * Two people chatting in two browser windows (Chromium) against the compiled executable: they sign up,
 * find each other, start a conversation, then message, reply, react, edit, delete, see each other typing
 * and recording, see ticks and unread counts, record a voice message, survive a server restart with
 * nothing lost, and reload a deep link. One server and one pair of windows, step after step.
 */
import assert from "node:assert/strict"
import { describe, test } from "node:test"
import { newContext, useServerAndBrowser } from "./harness.mjs"
import { holdAnswers, listLink, signUpInPage, startConversation } from "./ui.mjs"

let server
let browser
let ada
let bruno
let conversationId

/** The conversation's message log in a page. */
const log = (page) => page.getByRole("log", { name: "Messages" })
/** The message (an article) whose own text (not a quoted reply) holds `text`. */
const message = (page, text) =>
  log(page)
    .getByRole("article")
    .filter({ has: page.locator(".body").getByText(text) })
/** Types `text` in the composer and sends it with the Send button. */
async function send(page, text) {
  await page.getByRole("textbox", { name: "Message" }).fill(text)
  await page.getByRole("button", { name: "Send", exact: true }).click()
}

useServerAndBrowser(async (started) => {
  ;({ server, browser } = started)
  const [a, b] = [await newContext(browser, server), await newContext(browser, server)]
  ada = await a.newPage()
  bruno = await b.newPage()
})

describe("two people chatting", () => {
  test("they sign up, find each other and open the same conversation", async () => {
    await signUpInPage(ada, "Ada Lovelace")
    await signUpInPage(bruno, "Bruno Martin")
    conversationId = await startConversation(ada, ["Bruno Martin"])
    await ada.getByRole("heading", { name: "Bruno Martin", level: 2 }).waitFor()
    await listLink(bruno, "Ada Lovelace").click()
    await bruno.waitForURL(`**/c/${conversationId}`)
    await bruno.getByRole("heading", { name: "Ada Lovelace", level: 2 }).waitFor()
  })

  test("a message arrives live; the other sees it typed, and the sender sees it read", async () => {
    await ada.getByRole("textbox", { name: "Message" }).fill("Hello Bruno")
    await bruno.getByText("Ada Lovelace is typing…").waitFor()
    await ada.getByRole("button", { name: "Send", exact: true }).click()
    await message(bruno, "Hello Bruno").waitFor()
    await bruno.getByText("Ada Lovelace is typing…").waitFor({ state: "hidden" })
    // Bruno has the conversation open: Ada's tick goes to "Read".
    await message(ada, "Hello Bruno").getByRole("img", { name: "Read" }).waitFor()
  })

  test("a reply shows what it answers; a reaction counts on both sides", async () => {
    await message(bruno, "Hello Bruno").getByRole("button", { name: "Reply" }).click()
    await bruno.getByText("Replying to Ada Lovelace").waitFor()
    await send(bruno, "Hi Ada, how are you?")
    const reply = message(ada, "Hi Ada, how are you?")
    await reply.getByRole("button", { name: /Reply to Ada Lovelace/ }).waitFor()
    assert.match(await reply.innerText(), /Hello Bruno/)

    await reply.getByRole("button", { name: "React", exact: true }).click()
    await reply.getByRole("button", { name: "React with 👍" }).click()
    await message(bruno, "Hi Ada, how are you?").getByRole("button", { name: "👍 1" }).waitFor()
    await reply.getByRole("button", { name: "👍 1", pressed: true }).waitFor()
  })

  test("an edit and a deletion reach the other side", async () => {
    await send(ada, "See you at 5")
    await message(bruno, "See you at 5").waitFor()
    await message(ada, "See you at 5").getByRole("button", { name: "Edit" }).click()
    await ada.getByText("Editing a message").waitFor()
    await ada.getByRole("textbox", { name: "Message" }).fill("See you at 6")
    await ada.getByRole("button", { name: "Save", exact: true }).click()
    const edited = message(bruno, "See you at 6")
    await edited.waitFor()
    assert.match(await edited.innerText(), /edited/)
    assert.equal(await message(bruno, "See you at 5").count(), 0)

    await message(ada, "See you at 6").getByRole("button", { name: "Delete" }).click()
    await message(ada, "See you at 6").getByRole("button", { name: "Confirm deletion" }).click()
    await message(bruno, "See you at 6").waitFor({ state: "detached" })
    await log(bruno).getByText("This message was deleted.").waitFor()
  })

  test("unread counts show in the list while the conversation is closed, and clear when it is opened", async () => {
    await bruno.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Conversations" }).click()
    await bruno.waitForURL(/\/$/)
    await send(ada, "first while away")
    await send(ada, "second while away")
    await message(ada, "second while away").getByRole("img", { name: "Delivered" }).waitFor()
    const link = listLink(bruno, "Ada Lovelace")
    await link.filter({ hasText: "2 unread" }).waitFor()
    await link.click()
    await message(bruno, "second while away").waitFor()
    await bruno.getByRole("navigation", { name: "Conversations" }).waitFor({ state: "attached" })
    await listLink(bruno, "Ada Lovelace").filter({ hasText: "unread" }).waitFor({ state: "detached" })
    await message(ada, "second while away").getByRole("img", { name: "Read" }).waitFor()
  })

  test("recording from the fake microphone shows as recording on the other side; cancelled, nothing is sent", async () => {
    const count = await log(bruno).getByRole("article").count()
    await ada.getByRole("button", { name: "Record a voice message" }).click()
    await bruno.getByText("Ada Lovelace is recording a voice message…").waitFor()
    await ada.getByText(/Recording [1-9] s/).waitFor()
    await ada.getByRole("button", { name: "Cancel recording" }).click()
    await bruno.getByText("Ada Lovelace is recording a voice message…").waitFor({ state: "hidden" })
    await ada.getByRole("button", { name: "Record a voice message" }).waitFor()
    assert.equal(await log(bruno).getByRole("article").count(), count)
    assert.equal(await log(ada).getByRole("article").count(), count)
  })

  test("a voice message recorded from the fake microphone", async () => {
    await ada.getByRole("button", { name: "Record a voice message" }).click()
    await bruno.getByText("Ada Lovelace is recording a voice message…").waitFor()
    await ada.getByText(/Recording [1-9] s/).waitFor()
    await ada.getByRole("button", { name: "Stop recording" }).click()
    const voice = log(bruno).getByRole("article").last()
    await voice.locator("audio").waitFor()
    const src = await voice.locator("audio").getAttribute("src")
    const res = await bruno.request.get(src)
    assert.equal(res.status(), 200)
    assert.match(res.headers()["content-type"], /^audio\//)
  })

  test("an image attached from a file", async () => {
    // A 1×1 PNG.
    const png = Buffer.from(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
      "base64",
    )
    await ada
      .getByLabel("Attach a file")
      .setInputFiles({ name: "dot.png", mimeType: "image/png", buffer: png })
    const image = log(bruno).getByRole("img", { name: /dot\.png/ })
    await image.waitFor()
    // Drawn from the server's copy (a broken image has no natural width).
    await bruno.waitForFunction((img) => img.complete && img.naturalWidth === 1, await image.elementHandle())
    const res = await bruno.request.get(await image.getAttribute("src"))
    assert.equal(res.status(), 200)
    assert.equal(res.headers()["content-type"], "image/png")
  })

  test("muting for an hour shows in the header and the list, and is stored; unmuting undoes it", async () => {
    await ada.getByRole("button", { name: "Mute", exact: true }).click()
    await ada.getByRole("button", { name: "For 1 hour" }).click()
    await ada.getByText(/Muted until/).waitFor()
    await listLink(ada, "Bruno Martin").filter({ hasText: "muted" }).waitFor()
    const muted = await ada.evaluate(
      async (id) => (await (await fetch(`/api/conversations/${id}`)).json()).mutedUntil,
      conversationId,
    )
    const inAnHour = Date.parse(muted) - Date.now()
    assert.ok(inAnHour > 55 * 60_000 && inAnHour <= 60 * 60_000, muted)
    await ada.getByRole("button", { name: "Unmute" }).click()
    await ada.getByRole("button", { name: "Mute", exact: true }).waitFor()
    await listLink(ada, "Bruno Martin").filter({ hasText: "muted" }).waitFor({ state: "detached" })
  })

  test("the other reads while this window is loading the conversation: the tick still says Read", async (t) => {
    // Bruno looks at his list, so the new message stays unread.
    await bruno.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Conversations" }).click()
    await bruno.waitForURL(/\/$/)
    await send(ada, "read while Ada loads")
    await message(ada, "read while Ada loads").getByRole("img", { name: "Delivered" }).waitFor()
    // Ada's window reloads. Its read of the conversation is answered (unread then) but handed over only
    // once Bruno has read the message and Ada's window has heard so, as a slow server would.
    const load = await holdAnswers(t, ada, new RegExp(`/api/conversations/${conversationId}$`))
    // The reloaded page's socket, every frame from its first.
    const frames = { framesent: [], framereceived: [] }
    const opened = new Promise((resolve) =>
      ada.once("websocket", (ws) => {
        for (const direction of Object.keys(frames))
          ws.on(direction, ({ payload }) => frames[direction].push(String(payload)))
        resolve(ws)
      }),
    )
    await ada.reload()
    const ws = await opened
    /** A frame of that socket passing `test`, already there or to come. */
    const frame = async (direction, test) =>
      frames[direction].find(test) ??
      String(
        (await ws.waitForEvent(direction, { predicate: ({ payload }) => test(String(payload)) })).payload,
      )
    // Its socket is in the conversation's room once the server acknowledged the join.
    const join = await frame("framesent", (p) => p.includes('"join_conversation"'))
    const ackId = /^42(\d+)/.exec(join)[1]
    await frame("framereceived", (p) => p.startsWith(`43${ackId}[`))
    await load.read()
    const heard = frame("framereceived", (p) => p.includes('"read_up_to"'))
    await listLink(bruno, "Ada Lovelace").click()
    await message(bruno, "read while Ada loads").waitFor()
    await heard
    load.release()
    await load.delivered()
    await message(ada, "read while Ada loads").getByRole("img", { name: "Read" }).waitFor()
    await load.stop()
  })

  test("the server restarts: a banner while it is away, the message typed meanwhile is sent once, nothing is lost", async () => {
    const before = await log(bruno).getByRole("article").count()
    await server.stop()
    await ada.getByRole("status").filter({ hasText: "Reconnecting…" }).waitFor()
    await bruno.getByRole("status").filter({ hasText: "Reconnecting…" }).waitFor()
    await send(ada, "sent while the server was down")
    await message(ada, "sent while the server was down").waitFor()
    await server.start()
    await ada.getByRole("status").filter({ hasText: "Reconnecting…" }).waitFor({ state: "detached" })
    await message(bruno, "sent while the server was down").waitFor()
    assert.equal(await message(bruno, "sent while the server was down").count(), 1)
    assert.equal(await log(bruno).getByRole("article").count(), before + 1)

    // Reloaded from the server: the same messages, the one sent while down exactly once.
    await bruno.reload()
    await message(bruno, "sent while the server was down").waitFor()
    assert.equal(await log(bruno).getByRole("article").count(), before + 1)
    for (const text of ["Hello Bruno", "Hi Ada, how are you?", "first while away", "second while away"])
      assert.equal(await message(bruno, text).count(), 1, text)
  })

  test("a deep link reloads to the same conversation", async () => {
    await ada.goto(`/c/${conversationId}`)
    await ada.getByRole("heading", { name: "Bruno Martin", level: 2 }).waitFor()
    await message(ada, "Hello Bruno").waitFor()
    await ada.reload()
    assert.equal(new URL(ada.url()).pathname, `/c/${conversationId}`)
    await message(ada, "Hi Ada, how are you?").waitFor()
  })

  test("markup and scripts in messages show as text; only http(s) addresses become links", async () => {
    const payloads = [
      "<img src=x onerror=alert(1)>",
      "<script>alert(2)</script>",
      "javascript:alert(3)",
      "[click](javascript:alert(4))",
      "see https://example.test/page?a=1&b=2.",
    ]
    for (const text of payloads) await send(ada, text)
    await message(bruno, "https://example.test/page").waitFor()
    for (const text of payloads.slice(0, 4)) await message(bruno, text).first().waitFor()
    assert.equal(await log(bruno).locator("img[src=x], script").count(), 0)
    for (const text of payloads.slice(0, 4))
      assert.equal(await message(bruno, text).getByRole("link").count(), 0, text)
    const links = message(bruno, "https://example.test/page").getByRole("link")
    const hrefs = await links.evaluateAll((as) => as.map((a) => [a.getAttribute("href"), a.rel, a.target]))
    assert.deepEqual(hrefs, [["https://example.test/page?a=1&b=2", "noopener noreferrer", "_blank"]])
    for (const page of [ada, bruno]) {
      assert.deepEqual(page.context().dialogs, [])
      assert.deepEqual(page.context().pageErrors, [])
    }
  })
})
