import { expect, test } from "bun:test"
import { createExpiries } from "../src/sockets/expiry.ts"
import { until } from "./helpers/wait.ts"

test("an expiry that throws is reported, and the other items and later buckets still expire", async () => {
  const expired: string[] = []
  const failures: unknown[] = []
  const expiries = createExpiries<string>(
    (item) => {
      if (item === "bad") throw new Error("boom")
      expired.push(item)
    },
    (err) => failures.push(err),
  )
  const now = Date.now()
  expiries.watch("bad", now)
  expiries.watch("same second", now)
  expiries.watch("next second", now + 1000)
  expect(expiries.size).toBe(3)
  await until(() => expired.length === 2, 5000, "the two good items expired")
  expect(expired.sort()).toEqual(["next second", "same second"])
  expect(failures.map((e) => (e as Error).message)).toEqual(["boom"])
  expect(expiries.size).toBe(0)
  expiries.stop()
})
