/** The harness every test file starts from: one real server per file, sockets closed after each test. */
import { afterAll, afterEach, beforeAll } from "bun:test"
import type { ServerOptions } from "../../src/server.ts"
import { closeAll } from "./clients.ts"
import { startTestServer, type TestServer } from "./server.ts"

/**
 * One real server for the whole test file: started before the first test, its sockets closed after
 * each, stopped after the last. The returned handle is filled in once the server is up.
 */
export function useTestServer(env: Record<string, string> = {}, options: ServerOptions = {}): TestServer {
  const h = {} as TestServer
  beforeAll(async () => {
    Object.assign(h, await startTestServer(env, options))
  })
  afterEach(() => closeAll())
  afterAll(() => h.stop())
  return h
}
