/**
 * `npm start` under a process manager: npm runs the script through `sh -c`, and a plain
 * `sh -c "bun ..."` left bun running, orphaned, when the manager sent SIGTERM to npm.
 */
import { expect, test } from "bun:test"
import { kill, ROOT, sandbox, startCauserie } from "./helpers/process.ts"

/** Whether a process with this id still exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

test("SIGTERM to npm stops the server: no bun process is left, nothing listens", async () => {
  const box = sandbox()
  const env = { ...box.env, HOST: "127.0.0.1", PORT: "0", npm_config_update_notifier: "false" }
  const npm = startCauserie(env, { command: ["npm", "start", "--silent"], cwd: ROOT })
  let serverPid: number | undefined
  try {
    const start = await npm.stdout.json((fields) => fields.event === "start")
    serverPid = start.pid as number
    expect(serverPid).not.toBe(npm.child.pid)
    expect((await fetch(`${start.url}/healthz`)).status).toBe(200)

    npm.child.kill("SIGTERM")
    await npm.child.exited
    expect(alive(serverPid)).toBe(false)
    await expect(fetch(`${start.url}/healthz`)).rejects.toThrow()
  } finally {
    kill(npm.child)
    if (serverPid !== undefined && alive(serverPid)) process.kill(serverPid, "SIGKILL")
    box.remove()
  }
})
