// Export scenario: one user with N messages downloads their data (GET /api/me/export) while the
// server's RSS is sampled; the peak above the idle figure is what the export costs the server,
// which must stay under 100 MB (the document is streamed, never built whole).
import type { BigDb } from "./big-db.ts"
import { round } from "./histogram.ts"
import { rssBytes, sleep } from "./processes.ts"
import { startServer } from "./servers.ts"

export type ExportResult = {
  messages: number
  exportedMessages: number
  documentMB: number
  ms: number
  rssIdleMB: number
  rssPeakMB: number
  extraMB: number
  limitMB: number
  failures: string[]
}

const LIMIT_MB = 100
const SAMPLE_MS = 10

export async function runExport(db: BigDb): Promise<ExportResult> {
  const server = await startServer("real", db.files)
  try {
    const pid = server.pid!
    await sleep(500)
    const idle = rssBytes(pid)
    let peak = idle
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssBytes(pid))
    }, SAMPLE_MS)
    const t0 = performance.now()
    const parts: Uint8Array[] = []
    try {
      const res = await fetch(`${server.url}/api/me/export`, {
        headers: { authorization: `Bearer ${db.owner.token}` },
      })
      if (res.status !== 200) throw new Error(`export answered ${res.status}: ${await res.text()}`)
      for await (const chunk of res.body!) {
        parts.push(chunk)
        peak = Math.max(peak, rssBytes(pid))
      }
    } finally {
      clearInterval(sampler)
    }
    const ms = performance.now() - t0
    const bytes = parts.reduce((n, p) => n + p.length, 0)
    const exported = (JSON.parse(Buffer.concat(parts).toString("utf8")) as { messages: unknown[] }).messages
      .length
    const mb = (b: number) => round(b / 2 ** 20, 1)
    const extraMB = mb(peak - idle)
    const failures: string[] = []
    if (exported !== db.messages) failures.push(`exported ${exported} of ${db.messages} messages`)
    if (extraMB >= LIMIT_MB)
      failures.push(`the export took ${extraMB} MB of extra server memory (limit ${LIMIT_MB})`)
    return {
      messages: db.messages,
      exportedMessages: exported,
      documentMB: mb(bytes),
      ms: round(ms, 1),
      rssIdleMB: mb(idle),
      rssPeakMB: mb(peak),
      extraMB,
      limitMB: LIMIT_MB,
      failures,
    }
  } finally {
    await server.stop()
  }
}
