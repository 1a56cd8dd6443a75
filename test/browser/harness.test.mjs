/**
 * The harness itself, on a page the executable already serves (/docs): the executable starts from a temp
 * folder, Chromium renders a page from it, axe runs under its Content-Security-Policy, and a restart on the
 * same port and folder keeps the accounts.
 */
import assert from "node:assert/strict"
import { test } from "node:test"
import {
  api,
  assertNoDialogsOrErrors,
  newContext,
  register,
  seriousViolations,
  useServerAndBrowser,
} from "./harness.mjs"

let server
let browser

useServerAndBrowser((started) => {
  ;({ server, browser } = started)
})

test("Chromium renders the executable's /docs page, and axe runs on it", async () => {
  const context = await newContext(browser, server)
  const page = await context.newPage()
  await page.goto("/docs")
  await page.getByRole("heading", { name: "Client → server" }).waitFor()
  const violations = await seriousViolations(page)
  assert.ok(Array.isArray(violations))
  assertNoDialogsOrErrors([context])
  await context.close()
})

test("a restart on the same port and folder keeps accounts and sessions", async () => {
  const ada = await register(server, "Ada")
  await server.restart()
  const { user } = await api(server, ada, "GET", "/api/me")
  assert.equal(user.displayName, "Ada")
})
