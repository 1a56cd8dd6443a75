/**
 * The screens around the chat, in Chromium against the executable: finding people and starting a
 * conversation, message search, the profile, and the administration page.
 */
import assert from "node:assert/strict"
import { readFile } from "node:fs/promises"
import { after, before, describe, test } from "node:test"
import {
  api,
  assertNoDialogsOrErrors,
  createAdmin,
  login,
  newContext,
  register,
  signInContext,
  startServer,
  useServerAndBrowser,
} from "./harness.mjs"
import { afterNextFrame, holdAnswers, listLink, signUpInPage, startConversation } from "./ui.mjs"

let server
let browser
const contexts = []

useServerAndBrowser((started) => {
  ;({ server, browser } = started)
})

/** A window signed in as `account`, open at `path`. */
async function windowAs(account, path = "/", on = server) {
  const context = await newContext(browser, on)
  contexts.push(context)
  await signInContext(context, on, account)
  const page = await context.newPage()
  await page.goto(path)
  return page
}

describe("finding people and starting a conversation", () => {
  test("two people sign up in two windows, find each other and start a direct conversation; a group too", async () => {
    const [a, b] = [await newContext(browser, server), await newContext(browser, server)]
    contexts.push(a, b)
    const [pageA, pageB] = [await a.newPage(), await b.newPage()]
    await signUpInPage(pageA, "Ada Lovelace")
    await signUpInPage(pageB, "Bruno Martin")

    const id = await startConversation(pageA, ["Bruno Martin"])
    // Both lists show it: Ada's at once, Bruno's live (conversation_added), named after the other person.
    await listLink(pageA, "Bruno Martin").waitFor()
    await listLink(pageB, "Ada Lovelace").waitFor()
    // Asking again for the same person opens the same direct conversation.
    assert.equal(await startConversation(pageA, ["Bruno Martin"]), id)

    const carol = await register(server, "Carole Dupont")
    const group = await startConversation(pageA, ["Bruno Martin", "Carole Dupont"], "Weekend plans")
    assert.notEqual(group, id)
    await listLink(pageB, "Weekend plans").waitFor()
    const seen = await api(server, carol, "GET", `/api/conversations/${group}`)
    assert.equal(seen.title, "Weekend plans")
    assert.equal(seen.type, "group")
    assert.deepEqual(seen.participants.map((p) => p.displayName).sort(), [
      "Ada Lovelace",
      "Bruno Martin",
      "Carole Dupont",
    ])
    assertNoDialogsOrErrors(contexts)
  })
})

describe("with the keyboard only", () => {
  /** Presses Tab until `target` has the focus (at most 30 times), as someone without a mouse does. */
  async function tabTo(page, target) {
    for (let i = 0; i < 30; i++) {
      if (await target.evaluate((el) => el === document.activeElement)) return
      await page.keyboard.press("Tab")
    }
    throw new Error(`30 Tabs did not reach ${target}`)
  }

  test("someone finds a person and starts a direct conversation without the mouse", async () => {
    const [ada] = [await register(server, "Ada Keys"), await register(server, "Bruno Keys")]
    const page = await windowAs(ada, "/new")
    await tabTo(page, page.getByLabel("Find people"))
    await page.keyboard.type("Bruno Keys")
    const person = page.getByRole("checkbox", { name: "Bruno Keys" })
    await person.waitFor()
    await tabTo(page, person)
    await page.keyboard.press("Space")
    assert.equal(await person.isChecked(), true)
    await tabTo(page, page.getByRole("button", { name: "Start a direct conversation" }))
    await page.keyboard.press("Enter")
    await page.waitForURL(/\/c\/\d+$/)
    await page.getByRole("heading", { name: "Bruno Keys", level: 2 }).waitFor()

    // The participants panel: opened with Enter, the focus on its heading, closed with Escape. The
    // conversation loads once the panel is open (a slow server): the composer must not take the focus.
    let loaded
    const slow = new Promise((resolve) => (loaded = resolve))
    await page.route(/\/api\/conversations\/\d+$/, async (route) => {
      await slow
      await route.continue()
    })
    await page.reload()
    const opener = page.getByRole("button", { name: "Participants" })
    await tabTo(page, opener)
    await page.keyboard.press("Enter")
    await page.getByRole("region", { name: "Participants" }).waitFor()
    loaded()
    await page.getByRole("textbox", { name: "Message", exact: true }).and(page.locator(":enabled")).waitFor()
    // The composer would take the focus in an effect run after the next frame: read the focus after it.
    await afterNextFrame(page)
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Participants")
    await page.keyboard.press("Tab")
    await page.keyboard.press("Escape")
    await page.getByRole("region", { name: "Participants" }).waitFor({ state: "detached" })
    assert.equal(await opener.evaluate((el) => el === document.activeElement), true)
    assertNoDialogsOrErrors(contexts)
  })
})

describe("message search", () => {
  test("finds messages as text, marks the match, never runs HTML, and opens the conversation", async () => {
    const [ada, bob] = [await register(server, "Ada Search"), await register(server, "Bob Search")]
    const { id } = await api(server, ada, "POST", "/api/conversations", {
      title: "Lunch club",
      participantIds: [bob.user.id],
    })
    const { message: lunch } = await api(server, bob, "POST", `/api/conversations/${id}/messages`, {
      text: `<img src=x onerror=alert(1)> lunchtime at noon & "dessert"`,
    })
    // Far enough back that the conversation's first page does not hold it.
    for (let i = 1; i <= 40; i++)
      await api(server, bob, "POST", `/api/conversations/${id}/messages`, { text: `nothing to see ${i}` })
    for (let i = 1; i <= 23; i++)
      await api(server, ada, "POST", `/api/conversations/${id}/messages`, { text: `agenda item ${i}` })

    const page = await windowAs(ada, "/search")
    await page.getByLabel("Search messages").fill("lunchtime")
    await page.getByRole("button", { name: "Search" }).click()
    await page.waitForURL(/\/search\?q=lunchtime$/)
    const results = page.locator("ol.results li")
    await results.first().waitFor()
    assert.equal(await results.count(), 1)
    const link = results.first().getByRole("link")
    assert.match(await link.innerText(), /<img src=x onerror=alert\(1\)> lunchtime at noon & "dessert"/)
    assert.match(await link.innerText(), /Bob Search/)
    assert.equal(await results.first().locator("mark").innerText(), "lunchtime")
    assert.equal(await page.locator("ol.results img").count(), 0)

    // Twenty results a page, newest first; "More results" brings the rest.
    await page.getByLabel("Search messages").fill("agenda")
    await page.getByRole("button", { name: "Search" }).click()
    await page.getByRole("button", { name: "More results" }).click()
    await results.nth(22).waitFor()
    assert.equal(await results.count(), 23)
    assert.match(await results.first().innerText(), /agenda item 23/)
    assert.match(await results.last().innerText(), /agenda item 1$/)
    assert.equal(await page.getByRole("button", { name: "More results" }).count(), 0)
    await page.goBack()
    await results.first().getByText("lunchtime").waitFor()

    // A reload searches again; a query that finds nothing says so; a malformed one shows the server's refusal.
    await page.reload()
    await results.first().waitFor()
    await page.getByLabel("Search messages").fill("zebra")
    await page.getByRole("button", { name: "Search" }).click()
    await page.getByText("No message found.").waitFor()
    await page.getByLabel("Search messages").fill('"unclosed')
    await page.getByRole("button", { name: "Search" }).click()
    await page.getByRole("alert").waitFor()

    await page.goBack()
    await page.goBack()
    await results.first().getByText("lunchtime").waitFor()
    // The result opens the conversation on the message: older pages loaded, the message in view and focused.
    await results.first().getByRole("link").click()
    await page.waitForURL(new RegExp(`/c/${id}\\?m=${lunch.id}$`))
    const found = page.locator(`#m-${lunch.id}.found`)
    await found.waitFor()
    await page.waitForFunction((target) => document.activeElement?.id === target, `m-${lunch.id}`)
    assert.equal(
      await found.evaluate(
        (el) => el.getBoundingClientRect().top >= 0 && el.getBoundingClientRect().bottom <= innerHeight,
      ),
      true,
    )
    assert.match(await found.innerText(), /lunchtime at noon/)
    assert.ok((await page.locator("article.msg").count()) >= 64)
    assertNoDialogsOrErrors(contexts)
  })
})

describe("the profile", () => {
  test("name and language are saved; the email needs the right password; signing out everywhere ends every session", async () => {
    const ada = await register(server, "Ada Profile")
    const page = await windowAs(ada, "/profile")
    // Another tab of the same browser, and another device.
    const tab = await page.context().newPage()
    await tab.goto("/")
    const device = await windowAs(ada, "/")

    await page.getByLabel("New email").fill("ada.new@example.test")
    await page.getByLabel("Current password").first().fill("not the password")
    await page.getByRole("button", { name: "Change email" }).click()
    await page.getByRole("alert").filter({ hasText: "Wrong password." }).waitFor()
    await page.getByLabel("Current password").first().fill(ada.password)
    await page.getByRole("button", { name: "Change email" }).click()
    await page.getByText("Current email: ada.new@example.test").waitFor()

    // A new password: this window keeps its session (a fresh cookie), and the new password logs in.
    // The server cuts the window's socket as it revokes the older tokens, before its answer brings the
    // fresh cookie; on a slow machine the socket tries to come back first, with the old cookie, and is
    // refused. The answer is held here until that refusal, so the test sees that order every time.
    let refused
    let cameBack
    let wasRefused = false
    const refusal = new Promise((resolve) => (refused = resolve))
    const back = new Promise((resolve) => (cameBack = resolve))
    page.on("websocket", (ws) =>
      ws.on("framereceived", ({ payload }) => {
        // socket.io's answer to a namespace connection: "40" accepted, "44" refused.
        const kind = String(payload).slice(0, 2)
        if (kind === "44") {
          wasRefused = true
          refused()
        } else if (kind === "40" && wasRefused) cameBack()
      }),
    )
    await page.route("**/api/auth/password", async (route) => {
      // route.fetch() files the answer's cookie in the browser at once: the old one is put back until the
      // answer reaches the page.
      const cookies = await page.context().cookies()
      const answer = await route.fetch()
      await page.context().addCookies(cookies)
      await refusal
      await route.fulfill({ response: answer })
    })
    await page.getByLabel("Current password").nth(1).fill(ada.password)
    await page.getByLabel("New password").fill("another long password")
    await page.getByRole("button", { name: "Change password" }).click()
    // The socket comes back on the fresh cookie (a handshake accepted after the refused one) rather than
    // the window signing out.
    const outcome = await Promise.race([
      back.then(() => "came back"),
      page.waitForURL(/\/signin$/).then(
        () => "signed out",
        () => "neither within 30 s",
      ),
    ])
    assert.equal(outcome, "came back")
    await page
      .getByRole("region", { name: "Password" })
      .getByRole("status")
      .filter({ hasText: "Saved." })
      .waitFor()
    const fresh = await login(server, "ada.new@example.test", "another long password")
    await page.getByRole("status").filter({ hasText: "Reconnecting…" }).waitFor({ state: "detached" })
    assert.equal(await page.getByRole("heading", { name: "Sign in" }).count(), 0)
    await page.reload()
    await page.getByRole("heading", { name: "Profile", level: 1 }).waitFor()

    await page.getByLabel("Display name").fill("Ada L.")
    await page.getByRole("main").getByLabel("Language").selectOption("fr")
    await page.getByRole("button", { name: "Save" }).click()
    await page.getByRole("heading", { name: "Profil", exact: true }).waitFor()
    const { user } = await api(server, fresh, "GET", "/api/me")
    assert.deepEqual([user.displayName, user.locale, user.email], ["Ada L.", "fr", "ada.new@example.test"])

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Télécharger mes données (JSON)" }).click(),
    ])
    const exported = JSON.parse(await readFile(await download.path(), "utf8"))
    assert.equal(exported.account.email, "ada.new@example.test")
    assert.equal(exported.account.displayName, "Ada L.")

    await page.getByRole("button", { name: "Se déconnecter partout" }).click()
    await page.getByRole("heading", { name: "Se connecter" }).waitFor()
    const res = await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${fresh.token}` } })
    assert.equal(res.status, 401)
    // The other tab is signed out at once; the other device's session is over too.
    await tab.getByRole("heading", { name: /^(Sign in|Se connecter)$/ }).waitFor()
    await device.reload()
    await device.getByRole("heading", { name: /^(Sign in|Se connecter)$/ }).waitFor()
    assertNoDialogsOrErrors(contexts)
  })
})

describe("administration", () => {
  /** Registration by invite here, so that an invite is what lets a newcomer in. */
  let invited
  before(async () => {
    invited = await startServer({ REGISTRATION: "invite" })
  })
  after(() => invited?.close())

  test("a server admin disables and enables an account, makes an invite someone signs up with, revokes one, and reads the audit log", async (t) => {
    const admin = await createAdmin(invited)
    const bob = await createAdmin(invited, "Bob Disabled")
    await api(invited, admin, "DELETE", `/api/admin/users/${bob.user.id}/admin`)
    const page = await windowAs(admin, "/admin", invited)

    // Bob is disabled from the whole list while the search for him is under way: its answer, read by
    // the server before he was disabled, reaches the page after (held here so that it does every time),
    // and must not show him enabled again.
    await page.getByRole("button", { name: "Disable Bob Disabled" }).waitFor()
    const search = await holdAnswers(t, page, /\/api\/admin\/users\?.*q=Bob/)
    await page.getByLabel("Find accounts").fill("Bob Disabled")
    await search.read()
    await page.getByRole("button", { name: "Disable Bob Disabled" }).click()
    await page.getByRole("button", { name: "Enable Bob Disabled" }).waitFor()
    search.release()
    // The search's answer is shown (the admin's own row is not in it), Bob still disabled.
    await page.getByRole("rowheader", { name: "Root Admin" }).waitFor({ state: "detached" })
    assert.equal(await page.getByRole("button", { name: "Enable Bob Disabled" }).count(), 1)
    await search.stop()
    const refused = await fetch(`${invited.url}/api/me`, {
      headers: { authorization: `Bearer ${bob.token}` },
    })
    assert.equal(refused.status, 401)
    await assert.rejects(login(invited, bob.email, bob.password), /403/)
    await page.getByRole("button", { name: "Enable Bob Disabled" }).click()
    await page.getByRole("button", { name: "Disable Bob Disabled" }).waitFor()
    // Server admin, given and taken back.
    await page.getByRole("button", { name: "Make Bob Disabled a server admin" }).click()
    await page.getByRole("button", { name: "Take server admin from Bob Disabled" }).waitFor()
    assert.equal((await api(invited, admin, "GET", "/api/admin/users?q=Bob")).users[0].isAdmin, true)
    await page.getByRole("button", { name: "Take server admin from Bob Disabled" }).click()
    await page.getByRole("button", { name: "Make Bob Disabled a server admin" }).waitFor()
    assert.equal((await api(invited, admin, "GET", "/api/admin/users?q=Bob")).users[0].isAdmin, false)

    const sections = page.getByRole("navigation", { name: "Administration sections" })
    await sections.getByRole("link", { name: "Invites" }).click()
    await page.getByRole("button", { name: "Create an invite" }).click()
    const link = await page.getByLabel(/Invite link/).inputValue()
    assert.match(link, new RegExp(`^${invited.url}/invite/[\\w%-]+$`))
    await page.getByRole("cell", { name: "active" }).waitFor()

    const guest = await newContext(browser, invited)
    contexts.push(guest)
    const guestPage = await guest.newPage()
    await guestPage.goto(link)
    await guestPage.getByText("You were invited to Causerie").waitFor()
    await guestPage.getByLabel("Display name").fill("Invited Guest")
    await guestPage.getByLabel("Email").fill("guest@example.test")
    await guestPage.getByLabel("Password").fill("a long enough password")
    await guestPage.getByRole("button", { name: "Sign up" }).click()
    await guestPage.getByRole("navigation", { name: "Main" }).waitFor()
    await page.reload()
    await page.getByRole("cell", { name: "used" }).waitFor()

    await page.getByRole("button", { name: "Create an invite" }).click()
    const revoke = page.getByRole("button", { name: /^Revoke invite \d+$/ })
    await revoke.click()
    await page.getByRole("cell", { name: "revoked" }).waitFor()
    assert.equal(await revoke.count(), 0)

    await sections.getByRole("link", { name: "Audit log" }).click()
    for (const action of [
      "admin.user_disable",
      "admin.user_enable",
      "admin.invite_create",
      "admin.invite_revoke",
    ])
      await page.getByRole("rowheader", { name: action, exact: true }).first().waitFor()
    const action = page.getByRole("main").getByLabel("Action")
    await action.selectOption("admin.invite_revoke")
    await page.getByRole("rowheader", { name: "admin.user_disable" }).waitFor({ state: "detached" })
    assert.equal(await page.getByRole("rowheader", { name: "admin.invite_revoke" }).count(), 1)
    // Every action, then another filter chosen before that answer came: the late answer (held here until
    // the filtered one is shown) must not replace the filtered list.
    const whole = await holdAnswers(
      t,
      page,
      (url) => url.pathname === "/api/admin/audit" && !url.searchParams.has("action"),
    )
    await action.selectOption("")
    // Two choices in a row may make one request (the page reads the filter once): the next choice only
    // once the whole log has been asked for.
    await whole.read()
    await action.selectOption("admin.user_disable")
    await page.getByRole("rowheader", { name: "admin.invite_revoke" }).waitFor({ state: "detached" })
    whole.release()
    await whole.delivered()
    await afterNextFrame(page)
    assert.equal(await page.getByRole("rowheader", { name: "admin.invite_revoke" }).count(), 0)
    await page.getByRole("rowheader", { name: "admin.user_disable" }).first().waitFor()
    await whole.stop()

    // Someone who is not a server admin has no link to the page, and the page says no.
    const bobPage = await windowAs(await login(invited, bob.email, bob.password), "/admin", invited)
    await bobPage.getByText("Only a server admin can see this page.").waitFor()
    assert.equal(await bobPage.getByRole("link", { name: "Administration" }).count(), 0)
    assertNoDialogsOrErrors(contexts)
  })
})
