/**
 * People over HTTP: the directory (services/people/directory.ts) and one person's profile, with
 * presence for those who share a conversation with them (services/presenceService.ts).
 */
import { z } from "zod"
import type { Config } from "../config.ts"
import { parseInput } from "../errors.ts"
import { userProfile } from "../schemas/live.ts"
import { directoryQuery } from "../schemas/peopleInputs.ts"
import { directoryPage } from "../schemas/peopleWire.ts"
import type { Services } from "../services/index.ts"
import { describe } from "./describe.ts"
import { pathId } from "./env.ts"
import { authedRouter } from "./requireAuth.ts"

const tag = "People"

/** Routes under /api/users. */
export function userRoutes(services: Services, config: Config) {
  const app = authedRouter(services.sessions, config)
  const { directory } = services.people

  app.get(
    "/",
    describe({
      tag,
      summary: "Find people",
      description:
        "By display-name prefix, word prefix or exact email, case and accents ignored; without q, everyone " +
        "I may find, by name. USER_DIRECTORY=shared finds only people I share a conversation with, and an " +
        "exact email. Emails show only for an exact-email match, or for everyone with USER_DIRECTORY=all " +
        "when REGISTRATION is invite or closed. I am not in my own results.",
      query: directoryQuery,
      ok: { 200: ["Up to limit people (20 by default, at most 100)", directoryPage] },
    }),
    async (c) => {
      const query = parseInput(directoryQuery, c.req.query())
      return c.json({ users: await directory.search(c.var.user.id, query) })
    },
  )

  app.get(
    "/:id",
    describe({
      tag,
      summary: "A person, with presence",
      description:
        "404 alike for an unknown id and someone the directory setting does not let me find; the email as " +
        "the directory shows it. online and lastSeenAt only for myself and for people I share a conversation " +
        "with (not through a group either of us blocked); null otherwise.",
      params: { id: "The user's id" },
      ok: { 200: ["The profile", z.object({ user: userProfile })] },
      errors: ["NOT_FOUND"],
    }),
    async (c) => {
      const id = pathId(c)
      // The directory decides whether the person may be seen at all, and their email.
      const person = await directory.profile(c.var.user.id, id)
      const { online, lastSeenAt } = await services.presenceService.profile(c.var.user.id, id)
      return c.json({ user: { ...person, online, lastSeenAt } })
    },
  )
  return app
}
