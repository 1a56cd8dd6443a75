/**
 * The participants panel in Chromium against the executable: an admin of a group renames it, adds
 * someone found in the directory, promotes, demotes and removes; a member sees none of that, blocks,
 * unblocks and leaves. Every change is seen in the other window too.
 */
import assert from "node:assert/strict"
import { test } from "node:test"
import { api, newContext, register, signInContext, useServerAndBrowser } from "./harness.mjs"
import { afterNextFrame, holdAnswers, listLink } from "./ui.mjs"

let server
let browser

useServerAndBrowser((started) => {
  ;({ server, browser } = started)
})

async function windowAs(account, path, onRequest = () => {}) {
  const context = await newContext(browser, server)
  await signInContext(context, server, account)
  context.on("request", onRequest)
  const page = await context.newPage()
  await page.goto(path)
  return page
}

test("an admin renames, adds, promotes, demotes and removes; a member blocks, unblocks and leaves", async (t) => {
  const [ada, bruno, carole] = [
    await register(server, "Ada Lovelace"),
    await register(server, "Bruno Martin"),
    await register(server, "Carole Dupont"),
  ]
  const { id } = await api(server, ada, "POST", "/api/conversations", {
    title: "Team",
    participantIds: [bruno.user.id],
  })
  const pageA = await windowAs(ada, `/c/${id}`)
  const pageB = await windowAs(bruno, `/c/${id}`)
  await pageB.getByRole("heading", { name: "Team", level: 2 }).waitFor()

  const opener = pageA.getByRole("button", { name: "Participants" })
  await opener.click()
  const panel = pageA.getByRole("region", { name: "Participants" })
  // The panel takes the focus in an effect that runs after it is drawn: wait for it rather than read it once.
  await panel.getByRole("heading", { name: "Participants" }).and(pageA.locator(":focus")).waitFor()
  const members = panel.getByRole("listitem")
  await members.filter({ hasText: "Bruno Martin" }).filter({ hasText: ", online" }).waitFor()
  assert.match(await members.filter({ hasText: "Ada Lovelace" }).innerText(), /\(you\)[\s\S]*admin/)

  await panel.getByLabel("Group name").fill("Team renamed")
  await panel.getByRole("button", { name: "Rename" }).click()
  await pageA.getByRole("heading", { name: "Team renamed", level: 2 }).waitFor()
  await pageB.getByRole("heading", { name: "Team renamed", level: 2 }).waitFor()

  // Adding Carole makes Ada's window read its conversation list again. That answer says Carole is
  // offline (she is, then); it is held here until she has come online and been shown so, as a slow
  // server would: coming late, it must not show her offline again.
  const list = await holdAnswers(t, pageA, (url) => url.pathname === "/api/conversations")
  await panel.getByLabel("Add people").fill("Carole")
  await panel.getByRole("button", { name: "Add Carole Dupont" }).click()
  await members.filter({ hasText: "Carole Dupont" }).waitFor()
  await list.read()
  const polls = []
  const carolePage = await windowAs(
    carole,
    "/",
    (r) => r.url().includes("transport=polling") && polls.push(r.url()),
  )
  await listLink(carolePage, "Team renamed").waitFor()
  await members.filter({ hasText: "Carole Dupont" }).filter({ hasText: ", online" }).waitFor()
  list.release()
  await list.delivered()
  await afterNextFrame(pageA)
  assert.equal(await members.filter({ hasText: "Carole Dupont" }).filter({ hasText: ", online" }).count(), 1)
  await list.stop()
  // The client opens a WebSocket straight away: a window closed during a polling-to-WebSocket upgrade
  // would leave her online until the heartbeat times out (45 s).
  assert.deepEqual(polls, [])
  // Her window closes: she shows offline, with when she was last seen.
  await carolePage.context().close()
  await members.filter({ hasText: "Carole Dupont" }).filter({ hasText: ", offline" }).waitFor()
  assert.match(await members.filter({ hasText: "Carole Dupont" }).innerText(), /last seen/)

  await panel.getByRole("button", { name: "Make Bruno Martin admin" }).click()
  await panel.getByRole("button", { name: "Remove admin rights from Bruno Martin" }).waitFor()
  let seen = await api(server, bruno, "GET", `/api/conversations/${id}`)
  assert.equal(seen.participants.find((p) => p.id === bruno.user.id).role, "admin")
  await panel.getByRole("button", { name: "Remove admin rights from Bruno Martin" }).click()
  await panel.getByRole("button", { name: "Make Bruno Martin admin" }).waitFor()

  await panel.getByRole("button", { name: "Remove Carole Dupont" }).click()
  await members.filter({ hasText: "Carole Dupont" }).waitFor({ state: "detached" })
  seen = await api(server, ada, "GET", `/api/conversations/${id}`)
  assert.deepEqual(seen.participants.map((p) => p.displayName).sort(), ["Ada Lovelace", "Bruno Martin"])

  // Escape closes the panel and gives the focus back to the button that opened it.
  await panel.getByRole("button", { name: "Rename" }).focus()
  await pageA.keyboard.press("Escape")
  await panel.waitFor({ state: "detached" })
  assert.equal(await opener.evaluate((b) => b === document.activeElement), true)

  // A member: no admin controls; blocks and unblocks, then leaves for good.
  await pageB.getByRole("button", { name: "Participants" }).click()
  const panelB = pageB.getByRole("region", { name: "Participants" })
  await panelB.getByRole("button", { name: "Block" }).waitFor()
  assert.equal(await panelB.getByRole("button", { name: /^Remove |^Make |Rename/ }).count(), 0)
  assert.equal(await panelB.getByLabel("Add people").count(), 0)
  await panelB.getByRole("button", { name: "Block" }).click()
  await panelB.getByText("You blocked this conversation.").waitFor()
  seen = await api(server, bruno, "GET", "/api/conversations?includeBlocked=true")
  assert.equal(seen.conversations.find((c) => c.id === id).blocked, true)
  await panelB.getByRole("button", { name: "Unblock" }).click()
  await panelB.getByRole("button", { name: "Block" }).waitFor()

  await panelB.getByRole("button", { name: "Leave the conversation" }).click()
  await panelB.getByRole("button", { name: "Yes, leave" }).click()
  await pageB.waitForURL(/\/$/)
  await listLink(pageB, "Team renamed").waitFor({ state: "detached" })
  await opener.click()
  await members.filter({ hasText: "Bruno Martin" }).waitFor({ state: "detached" })
  for (const page of [pageA, pageB]) {
    assert.deepEqual(page.context().dialogs, [])
    assert.deepEqual(page.context().pageErrors, [])
  }
})
