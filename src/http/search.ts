/** Full-text search over HTTP: GET /api/search?q=&conversationId=&before=&limit= */
import type { Config } from "../config.ts"
import { parseInput } from "../errors.ts"
import { searchQuery } from "../schemas/messageInputs.ts"
import { searchResults } from "../schemas/searchWire.ts"
import type { Services } from "../services/index.ts"
import { describe } from "./describe.ts"
import { authedRouter } from "./requireAuth.ts"

/** Routes under /api/search. */
export function searchRoutes(services: Services, config: Config) {
  const app = authedRouter(services.sessions, config)

  // A conversation the caller does not take part in yields nothing: the same answer as one
  // without a match, so a search tells nobody what exists.
  app.get(
    "/",
    describe({
      tag: "Search",
      summary: "Search message text",
      description:
        "Words (all must match), word* for a prefix, quoted phrases, OR between two terms; case and accents " +
        "ignored. Newest first, only in the caller's conversations and only among messages sent since they " +
        "joined. A malformed query is 400 naming q.",
      query: searchQuery,
      ok: { 200: ["A page of hits; nextBefore continues it", searchResults] },
    }),
    async (c) => c.json(await services.search.search(c.var.user.id, parseInput(searchQuery, c.req.query()))),
  )
  return app
}
