/**
 * Accessibility and small screens, in Chromium against the executable: axe-core finds no serious or
 * critical violation (WCAG 2.1 A and AA, and axe's best practices) on the main screens, in the light
 * and the dark theme, on a desktop window and a 360 px-wide phone, where nothing scrolls sideways.
 */
import assert from "node:assert/strict"
import { after, before, describe, test } from "node:test"
import {
  api,
  newContext,
  register,
  seriousViolations,
  signInContext,
  useServerAndBrowser,
} from "./harness.mjs"

let server
let browser
let admin
let conversationId

useServerAndBrowser(async (started) => {
  ;({ server, browser } = started)
  // The first account is the server's admin: the administration page is among the screens.
  admin = await register(server, "Ada Lovelace")
  const bruno = await register(server, "Bruno Martin")
  const { id } = await api(server, admin, "POST", "/api/conversations", {
    title: "Design review",
    participantIds: [bruno.user.id],
  })
  conversationId = id
  const first = await api(server, bruno, "POST", `/api/conversations/${id}/messages`, {
    text: "Hello, the mock-ups are at https://example.test/mockups",
  })
  await api(server, admin, "POST", `/api/conversations/${id}/messages`, {
    text: "Thanks, looking now",
    replyToMessageId: first.message.id,
  })
  await api(server, admin, "PUT", `/api/messages/${first.message.id}/reactions/${encodeURIComponent("👍")}`)
})

/** Each screen: where it is, and what shows once it is drawn. */
const SCREENS = [
  {
    name: "sign in",
    path: "/signin",
    signedIn: false,
    ready: (p) => p.getByRole("heading", { name: "Sign in" }),
  },
  {
    name: "sign up",
    path: "/signup",
    signedIn: false,
    ready: (p) => p.getByRole("heading", { name: "Sign up" }),
  },
  {
    name: "conversation list",
    path: "/",
    ready: (p) =>
      p.getByRole("navigation", { name: "Conversations" }).getByRole("link", { name: /Design review/ }),
  },
  {
    name: "conversation",
    path: () => `/c/${conversationId}`,
    ready: (p) => p.getByRole("log", { name: "Messages" }).getByText("Thanks, looking now"),
  },
  {
    name: "participants panel",
    path: () => `/c/${conversationId}`,
    ready: async (p) => {
      await p.getByRole("log", { name: "Messages" }).getByText("Thanks, looking now").waitFor()
      await p.getByRole("button", { name: "Participants" }).click()
      return p.getByRole("region", { name: "Participants" }).getByRole("button", { name: "Rename" })
    },
  },
  { name: "new conversation", path: "/new", ready: (p) => p.getByRole("checkbox", { name: "Bruno Martin" }) },
  { name: "search", path: "/search?q=mock", ready: (p) => p.locator("ol.results mark").first() },
  { name: "profile", path: "/profile", ready: (p) => p.getByRole("button", { name: "Sign out everywhere" }) },
  { name: "administration", path: "/admin", ready: (p) => p.getByRole("button", { name: /Disable Bruno/ }) },
  {
    name: "audit log",
    path: "/admin?tab=audit",
    ready: (p) => p.getByRole("rowheader", { name: "conversation.create" }),
  },
]

const LOOKS = [
  { name: "light, desktop", colorScheme: "light", viewport: { width: 1280, height: 800 } },
  { name: "dark, desktop", colorScheme: "dark", viewport: { width: 1280, height: 800 } },
  { name: "light, 360 px phone", colorScheme: "light", viewport: { width: 360, height: 740 }, phone: true },
  { name: "dark, 360 px phone", colorScheme: "dark", viewport: { width: 360, height: 740 }, phone: true },
]

for (const look of LOOKS)
  describe(look.name, () => {
    let signedIn
    let signedOut
    before(async () => {
      const options = {
        colorScheme: look.colorScheme,
        viewport: look.viewport,
        isMobile: !!look.phone,
        hasTouch: !!look.phone,
      }
      signedIn = await newContext(browser, server, options)
      await signInContext(signedIn, server, admin)
      signedOut = await newContext(browser, server, options)
    })
    after(async () => {
      await signedIn?.close()
      await signedOut?.close()
    })

    for (const screen of SCREENS)
      test(`${screen.name}: no serious or critical axe violation${look.phone ? ", nothing scrolls sideways" : ""}`, async () => {
        const context = screen.signedIn === false ? signedOut : signedIn
        const page = await context.newPage()
        try {
          await page.goto(typeof screen.path === "function" ? screen.path() : screen.path)
          await (await screen.ready(page)).waitFor()
          assert.equal(
            await page.evaluate(() => document.documentElement.classList.contains("dark")),
            look.colorScheme === "dark",
          )
          assert.deepEqual(await seriousViolations(page), [])
          if (look.phone) {
            const width = await page.evaluate(() => document.documentElement.scrollWidth)
            assert.ok(width <= look.viewport.width, `the page is ${width} px wide`)
          }
          assert.deepEqual(context.pageErrors, [])
        } finally {
          await page.close()
        }
      })
  })
