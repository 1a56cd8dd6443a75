/** What a person does in the web client, step by step, for the browser tests (by role and accessible name). */
import { randomBytes } from "node:crypto"

/** Signs up through the form at /signup; resolves once the signed-in shell shows. */
export async function signUpInPage(page, name, password = "a long enough password") {
  const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, ".")}.${randomBytes(3).toString("hex")}@example.test`
  await page.goto("/signup")
  await page.getByLabel("Display name").fill(name)
  await page.getByLabel("Email").fill(email)
  await page.getByLabel("Password").fill(password)
  await page.getByRole("button", { name: "Sign up" }).click()
  await page.getByRole("navigation", { name: "Main" }).waitFor()
  return { email, password, name }
}

/** Signs in through the form at /signin. */
export async function signInInPage(page, account) {
  await page.goto("/signin")
  await page.getByLabel("Email").fill(account.email)
  await page.getByLabel("Password").fill(account.password)
  await page.getByRole("button", { name: "Sign in" }).click()
  await page.getByRole("navigation", { name: "Main" }).waitFor()
}

/** The conversation list's link for a conversation, by its name. */
export const listLink = (page, name) =>
  page
    .getByRole("navigation", { name: "Conversations" })
    .getByRole("link", { name: new RegExp(escapeRegExp(name)) })

/** Starts a conversation from /new with the people named, direct (one person) or a group with a title. */
export async function startConversation(page, people, title) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "New conversation" }).click()
  for (const person of people) {
    await page.getByLabel("Find people").fill(person.split(" ")[0])
    await page.getByRole("checkbox", { name: person }).check()
  }
  if (title === undefined) await page.getByRole("button", { name: "Start a direct conversation" }).click()
  else {
    await page.getByLabel("Group name (optional)").fill(title)
    await page.getByRole("button", { name: "Create the group" }).click()
  }
  await page.waitForURL(/\/c\/\d+$/)
  return Number(new URL(page.url()).pathname.split("/").pop())
}

export const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/**
 * Resolves once the page has drawn a frame and run what was queued before it (Preact runs its effects
 * after the next frame): for checking that something did *not* happen after an event the test waited for.
 */
export const afterNextFrame = (page) =>
  page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve))))

/** `promise`, or a failure naming `what` after 30 s, as Playwright's own waits give up. */
export async function within(promise, what) {
  let timer
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within 30 s`)), 30_000)
  })
  try {
    return await Promise.race([promise, late])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Makes the answer to the page's next requests for `url` (a route matcher) come late: each is read from
 * the server at once, then held until `release()`. `read` settles once the server has answered one,
 * `delivered` once the page has been given it; both fail after 30 s. Other methods than `method` pass.
 * The hold ends with the test `t` at the latest, so that a failure does not leave the page's later
 * requests held.
 */
export async function holdAnswers(t, page, url, method = "GET") {
  let release
  let read
  let delivered
  let failed
  const released = new Promise((resolve) => (release = resolve))
  const wasRead = new Promise((resolve) => (read = resolve))
  const wasDelivered = new Promise((resolve, reject) => {
    delivered = resolve
    failed = reject
  })
  wasDelivered.catch(() => {}) // seen by `delivered()`; nobody may ask
  const hold = async (route) => {
    if (route.request().method() !== method) return route.continue()
    const answer = await route.fetch()
    read()
    await released
    await route.fulfill({ response: answer })
    // Delivered once the page holds the whole answer, not when Playwright has handed it over: a check
    // after the next frame then sees what the page made of it.
    await (await route.request().response())?.finished()
    delivered()
  }
  await page.route(url, async (route) => {
    try {
      await hold(route)
    } catch (err) {
      failed(err)
      // Never left hanging: the page would wait for this answer forever.
      await route.continue().catch(() => {})
    }
  })
  const stop = () => page.unroute(url)
  t.after(stop)
  return {
    release,
    read: () => within(wasRead, `an answer to ${url}`),
    delivered: () => within(wasDelivered, `the late answer to ${url}`),
    stop,
  }
}
