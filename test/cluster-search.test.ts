/**
 * Search on two real nodes over one SQLite file: each indexes after its own commits and before its own
 * searches, from the progress stored in the file, so both index side by side; a search on either sees
 * every message committed on both, each once, and FTS5's integrity check passes once they have caught up.
 */
import { Database } from "bun:sqlite"
import { describe, expect, test } from "bun:test"
import { api, createConversation, signUp } from "./helpers/clients.ts"
import { hasRedis, useNodes } from "./helpers/cluster.ts"

describe.skipIf(!hasRedis)("two nodes: search", () => {
  const cluster = useNodes(2, { RATE_LIMIT_MESSAGES_PER_SECOND: "0" })
  const { on } = cluster

  test("messages sent on both nodes while both search: each found once on either; the index is whole", async () => {
    const alice = await signUp(on(0), "alice")
    const bob = await signUp(on(1), "bob")
    const id = await createConversation(on(0), alice, [bob])
    const sent: number[] = []
    const send = async (node: number, user: typeof alice, i: number) => {
      const res = await api(on(node), "POST", `/api/conversations/${id}/messages`, {
        auth: user,
        body: { text: `jackfruit number${i}` },
      })
      expect(res.status).toBe(201)
      sent.push(res.body.message.id)
    }
    const search = async (node: number) => {
      const ids: number[] = []
      let before: number | null = null
      do {
        const query: string = `q=jackfruit&limit=50${before === null ? "" : `&before=${before}`}`
        const res = await api(on(node), "GET", `/api/search?${query}`, { auth: node === 0 ? alice : bob })
        expect(res.status).toBe(200)
        ids.push(...res.body.results.map((r: any) => r.message.id))
        before = res.body.nextBefore
      } while (before !== null)
      return ids
    }
    for (let round = 0; round < 10; round++) {
      await Promise.all([
        ...Array.from({ length: 10 }, (_, i) => send(i % 2, i % 2 ? bob : alice, round * 10 + i)),
        search(0),
        search(1),
      ])
    }
    const all = [...sent].sort((a, b) => b - a)
    for (const node of [0, 1]) {
      const found = await search(node)
      expect(found).toEqual(all)
    }
    const db = new Database(cluster.dbPath)
    try {
      db.run("PRAGMA busy_timeout = 5000")
      db.run("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)")
      const indexed = db
        .query<{ id: number }, [string]>("select rowid as id from messages_fts where messages_fts match ?")
        .all("jackfruit")
        .map((r) => r.id)
      expect(indexed.sort((a, b) => b - a)).toEqual(all)
    } finally {
      db.close()
    }
  })
})
