/**
 * Two real nodes on one real Redis and one SQLite file: what each node used to keep for itself
 * (logged-out tokens, presence, typing) holds across nodes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test"
import { rmSync } from "node:fs"
import { api, closeAll, connect, connectError, signUp, socketFor } from "./helpers/clients.ts"
import { hasRedis, type NodeProcess, type RedisProcess, startNode, startRedis } from "./helpers/cluster.ts"
import { type TestServer, tempDir } from "./helpers/server.ts"
import { waitFor } from "./helpers/wait.ts"

describe.skipIf(!hasRedis)("two nodes: sessions, presence and typing", () => {
  const dir = tempDir()
  let redis: RedisProcess
  let nodes: NodeProcess[] = []
  const on = (i: number) => ({ url: nodes[i]!.url }) as TestServer

  beforeAll(async () => {
    redis = await startRedis()
    nodes = [await startNode(dir, redis.url)]
    nodes.push(await startNode(dir, redis.url))
  })
  afterEach(() => closeAll())
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop("SIGKILL")))
    await redis.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  test("a token logged out on node 1 is refused by node 2: HTTP, new handshakes, and its open socket", async () => {
    const user = await signUp(on(0), "leaver")
    const login = async () =>
      (
        await api(on(0), "POST", "/api/auth/login", {
          body: { email: user.email, password: "correct horse battery" },
        })
      ).body.token as string
    const [laptop, phone] = [await login(), await login()]
    const me = (node: number, token: string) =>
      api(on(node), "GET", "/api/me", { headers: { authorization: `Bearer ${token}` } })
    // Node 2 has read its revocation list and holds sockets of both tokens.
    expect((await me(1, laptop)).status).toBe(200)
    const [onLaptop, onPhone] = await Promise.all([
      connect(on(1), { ...user, token: laptop }),
      connect(on(1), { ...user, token: phone }),
    ])
    const [out, closed] = await Promise.all([
      api(on(0), "POST", "/api/auth/logout", { headers: { authorization: `Bearer ${laptop}` } }),
      waitFor(onLaptop, "disconnect"),
    ])
    expect([out.status, closed]).toEqual([200, "io server disconnect"])
    const refused = await me(1, laptop)
    expect([refused.status, refused.body.error.message]).toEqual([
      401,
      "Authentication token has been revoked",
    ])
    expect((await connectError(socketFor(on(1), { auth: { token: laptop } }))).message).toMatch(/revoked/)
    // The user's other token goes on, on both nodes.
    expect([(await me(0, phone)).status, (await me(1, phone)).status, onPhone.connected]).toEqual([
      200,
      200,
      true,
    ])
  })
})
