/**
 * `npm run screenshots`: pictures of the web client's main screens for the README, taken in Debian's
 * Chromium from the compiled executable with a few people and conversations made over the API:
 * docs/screenshots/{signin,conversations,conversation,participants,admin,conversation-dark,phone}.png.
 * Node, not Bun: playwright-core does not run under Bun (the same harness as test/browser/). Emojis need
 * a colour emoji font (Debian: `apt-get install fonts-noto-color-emoji`), or they show as boxes.
 */
import { mkdirSync } from "node:fs"
import { join } from "node:path"
import {
  api,
  launchBrowser,
  newContext,
  register,
  root,
  signInContext,
  startServer,
} from "../test/browser/harness.mjs"

const out = join(root, "docs/screenshots")
mkdirSync(out, { recursive: true })

const server = await startServer()
const browser = await launchBrowser()
const shots = []
try {
  // The first account is the server's admin.
  const ada = await register(server, "Ada Lovelace", undefined, "ada@example.test")
  const bruno = await register(server, "Bruno Martin", undefined, "bruno@example.test")
  const carole = await register(server, "Carole Dupont", undefined, "carole@example.test")
  const dan = await register(server, "Dan Okafor", undefined, "dan@example.test")
  const say = async (who, id, text, extra = {}) =>
    (await api(server, who, "POST", `/api/conversations/${id}/messages`, { text, ...extra })).message
  const react = (who, messageId, emoji) =>
    api(server, who, "PUT", `/api/messages/${messageId}/reactions/${encodeURIComponent(emoji)}`)

  const weekend = await api(server, carole, "POST", "/api/conversations", {
    title: "Weekend plans",
    participantIds: [ada.user.id, dan.user.id],
  })
  await say(carole, weekend.id, "Hiking on Saturday if the weather holds?")
  await say(dan, weekend.id, "Count me in, I'll bring the map")

  const direct = await api(server, bruno, "POST", "/api/conversations", {
    type: "direct",
    participantIds: [ada.user.id],
  })
  await say(bruno, direct.id, "Are you coming to the demo at 3?")
  await say(bruno, direct.id, "I saved you a seat")

  const review = await api(server, ada, "POST", "/api/conversations", {
    title: "Design review",
    participantIds: [bruno.user.id, carole.user.id],
  })
  // A picture to attach, drawn by the browser itself (nothing fetched from elsewhere).
  const drawing = await (await browser.newContext({ viewport: { width: 400, height: 300 } })).newPage()
  await drawing.setContent(
    `<div id="art" style="width:320px;height:180px;display:grid;place-items:center;font:600 22px system-ui;color:#fff;` +
      `background:linear-gradient(135deg,#2356c9,#8fb0ff 60%,#f0a500)">Mock-up v3</div>`,
  )
  const picture = await drawing.locator("#art").screenshot()
  await drawing.context().close()
  const uploaded = await fetch(`${server.url}/api/uploads?name=mockup-v3.png`, {
    method: "POST",
    headers: { authorization: `Bearer ${bruno.token}` },
    body: picture,
  })
  if (uploaded.status !== 201) throw new Error(`upload: ${uploaded.status} ${await uploaded.text()}`)
  const { upload } = await uploaded.json()
  const first = await say(bruno, review.id, "The new mock-ups are up: https://example.com/mockups/v3", {
    attachments: [{ id: upload.id }],
  })
  await say(carole, review.id, "The list screen looks much calmer without the borders")
  const question = await say(ada, review.id, "Agreed. Do we keep the blue ticks for read messages?")
  await react(bruno, first.id, "👍")
  await react(carole, first.id, "👍")
  await react(ada, first.id, "🎉")
  await say(bruno, review.id, "Yes, and grey for delivered", { replyToMessageId: question.id })
  await say(ada, review.id, "Perfect, I'll write it up tonight")

  // Bruno and Carole read along in their own windows: they are online, and Ada's messages show as read.
  for (const reader of [bruno, carole]) {
    const context = await newContext(browser, server)
    await signInContext(context, server, reader)
    const page = await context.newPage()
    await page.goto(`/c/${review.id}`)
    await page.getByRole("log", { name: "Messages" }).getByText("write it up tonight").waitFor()
  }

  const options = { locale: "en-GB", timezoneId: "Europe/Paris" }
  const shoot = async (file, { path, signedIn = true, ready, colorScheme = "light", viewport, act }) => {
    const context = await newContext(browser, server, {
      ...options,
      colorScheme,
      ...(viewport ? { viewport, isMobile: viewport.width < 500, hasTouch: viewport.width < 500 } : {}),
    })
    if (signedIn) await signInContext(context, server, ada)
    const page = await context.newPage()
    await page.goto(path)
    await ready(page).waitFor()
    if (act) await act(page)
    // Let the last events (ticks, presence) and images settle, then show the newest messages, no focus ring.
    await page.waitForTimeout(300)
    await page.evaluate(() => {
      for (const log of document.querySelectorAll("[role=log]")) log.scrollTop = log.scrollHeight
      if (document.activeElement instanceof HTMLElement) document.activeElement.blur()
    })
    await page.screenshot({ path: join(out, file) })
    shots.push(file)
    await context.close()
  }
  const conversationReady = (p) => p.getByRole("log", { name: "Messages" }).getByText("write it up tonight")

  await shoot("signin.png", {
    path: "/signin",
    signedIn: false,
    ready: (p) => p.getByRole("heading", { name: "Sign in" }),
  })
  await shoot("conversations.png", {
    path: "/",
    ready: (p) =>
      p.getByRole("navigation", { name: "Conversations" }).getByRole("link", { name: /Weekend plans/ }),
  })
  await shoot("conversation.png", { path: `/c/${review.id}`, ready: conversationReady })
  await shoot("participants.png", {
    path: `/c/${review.id}`,
    ready: conversationReady,
    act: async (p) => {
      await p.getByRole("button", { name: "Participants" }).click()
      await p.getByRole("region", { name: "Participants" }).getByRole("button", { name: "Rename" }).waitFor()
    },
  })
  await shoot("admin.png", {
    path: "/admin",
    ready: (p) => p.getByRole("button", { name: /Disable Dan Okafor/ }),
  })
  await shoot("conversation-dark.png", {
    path: `/c/${review.id}`,
    ready: conversationReady,
    colorScheme: "dark",
  })
  await shoot("phone.png", {
    path: `/c/${review.id}`,
    ready: conversationReady,
    viewport: { width: 360, height: 740 },
  })
  console.log(`${shots.length} screenshots in ${out}: ${shots.join(", ")}`)
} finally {
  await browser.close()
  await server.close()
}
