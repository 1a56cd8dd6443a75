/**
 * The adapter's lag per node: every broadcast that another node put on the Redis stream is timed
 * from its XADD to its delivery here (causerie_cluster_lag_seconds); a node's own broadcasts, which
 * it also reads back from the stream, are not. How large the lag is, the bench measures.
 */
import { describe, expect, test } from "bun:test"
import { connect, createConversation, join, signUp } from "./helpers/clients.ts"
import { hasRedis, useNodes } from "./helpers/cluster.ts"
import type { NodeProcess } from "./helpers/node.ts"
import { collect, until, waitFor } from "./helpers/wait.ts"

/** The lag histogram's count and sum on a node, read from its /metrics (loopback needs no token). */
async function lag(node: NodeProcess): Promise<{ count: number; sum: number }> {
  const text = await (await fetch(`${node.url}/metrics`)).text()
  const read = (series: string) =>
    Number(new RegExp(`^causerie_cluster_lag_seconds_${series} (\\S+)$`, "m").exec(text)?.[1])
  return { count: read("count"), sum: read("sum") }
}

describe.skipIf(!hasRedis)("the cluster adapter's lag", () => {
  const { nodes, on } = useNodes(2)

  test("is counted where another node's broadcast is delivered, never for a node's own", async () => {
    const [alice, bob] = await Promise.all([signUp(on(0), "alice"), signUp(on(0), "bob")])
    const id = await createConversation(on(0), alice, [bob])
    const [a, b] = await Promise.all([connect(on(0), alice), connect(on(1), bob)])
    await join(a, id)
    // Bob's user_joined crosses to node 1: once Alice has it, nothing from node 2 is on its way.
    const bobJoined = waitFor(a, "user_joined")
    await join(b, id)
    await bobJoined
    const [before1, before2] = await Promise.all([lag(nodes[0]!), lag(nodes[1]!)])

    const got = collect(b, "new_message")
    for (const text of ["one", "two", "three"])
      expect((await a.timeout(5000).emitWithAck("send_message", { conversationId: id, text })).ok).toBe(true)
    await until(() => got.length === 3, 5000, "three messages on node 2")

    const [after1, after2] = await Promise.all([lag(nodes[0]!), lag(nodes[1]!)])
    expect(after2.count - before2.count).toBe(3)
    expect(after2.sum).toBeGreaterThanOrEqual(before2.sum)
    expect(after1.count).toBe(before1.count)
  })
})
