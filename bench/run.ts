// CLI: bun bench/run.ts [scenario...] [--json] [--url URL] [--server-pid PID] [--quick]
//                       [--workers N] [--worker-mode process|thread]
// Prints tables (or one JSON line per scenario with --json); exits 1 if a check failed.
import { parseArgs } from "node:util"
import { runBench } from "./bench.ts"
import { SCENARIOS, type ScenarioName } from "./config.ts"
import { formatReports } from "./report.ts"
import type { WorkerMode } from "./worker-pool.ts"

const { values, positionals } = parseArgs({
  args: Bun.argv.slice(2),
  allowPositionals: true,
  options: {
    json: { type: "boolean", default: false },
    quick: { type: "boolean", default: false },
    url: { type: "string" },
    "server-pid": { type: "string" },
    workers: { type: "string", default: "2" },
    "worker-mode": { type: "string", default: "process" },
    help: { type: "boolean", short: "h", default: false },
  },
})

if (values.help) {
  console.log(
    `usage: bun bench/run.ts [${SCENARIOS.join("|")}]... [--json] [--quick] [--url URL] [--server-pid PID] [--workers N] [--worker-mode process|thread]`,
  )
  process.exit(0)
}
const unknown = positionals.filter((p) => !(SCENARIOS as readonly string[]).includes(p))
if (unknown.length) {
  console.error(`unknown scenario(s): ${unknown.join(", ")}; known: ${SCENARIOS.join(", ")}`)
  process.exit(2)
}
const mode = values["worker-mode"]
if (mode !== "process" && mode !== "thread") {
  console.error("--worker-mode must be process or thread")
  process.exit(2)
}

const reports = await runBench({
  scenarios: positionals as ScenarioName[],
  quick: values.quick,
  url: values.url,
  serverPid: values["server-pid"] ? Number(values["server-pid"]) : undefined,
  workers: Math.max(1, Number(values.workers)),
  workerMode: mode as WorkerMode,
  // Progress goes to stderr so --json stdout stays one parseable line per scenario.
  log: (line) => console.error(`[bench] ${line}`),
}).catch((err: unknown) => {
  // Refusals (non-loopback --url) and setup failures: one line, not a stack trace.
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(2)
})

if (values.json) for (const r of reports) console.log(JSON.stringify(r))
else console.log(formatReports(reports))
process.exit(reports.every((r) => r.ok) ? 0 : 1)
