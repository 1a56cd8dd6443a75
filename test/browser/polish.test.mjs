/**
 * Review fixes, in Chromium against the executable: the profile's language at start-up, the message log
 * kept at the bottom while images load, and the sign-up form following the server's registration mode.
 */
import assert from "node:assert/strict"
import { after, before, describe, test } from "node:test"
import { api, launchBrowser, newContext, register, signInContext, startServer } from "./harness.mjs"

let server
let browser
const contexts = []

before(async () => {
  server = await startServer()
  browser = await launchBrowser()
})
after(async () => {
  await browser?.close()
  await server?.close()
})

const noDialogsOrErrors = () => {
  for (const context of contexts) {
    assert.deepEqual(context.dialogs, [])
    assert.deepEqual(context.pageErrors, [])
  }
}

describe("the language saved in the profile", () => {
  test("a profile in French shows French in an English browser, after sign-in and after a reload; the selector saves the choice", async () => {
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

    // Choosing English in the header saves it to the profile.
    await second.getByRole("combobox", { name: "Langue" }).selectOption("en")
    await second.getByRole("button", { name: "Sign out" }).waitFor()
    for (let i = 0; i < 50; i++) {
      if ((await api(server, account, "GET", "/api/me")).user.locale === "en") break
      await new Promise((r) => setTimeout(r, 100))
    }
    assert.equal((await api(server, account, "GET", "/api/me")).user.locale, "en")
    noDialogsOrErrors()
  })
})
