/** Process entry: run the command line; a served server stops on SIGTERM or SIGINT. */
import { runCli } from "./cli/run.ts"
import { exitOnSignals } from "./ops/shutdown.ts"

try {
  const result = await runCli(process.argv.slice(2), process.env, {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    readStdin: () => Bun.stdin.text(),
    isTTY: Boolean(process.stdout.isTTY),
  })
  if ("server" in result) {
    const { server, config } = result
    exitOnSignals(() => server.stop(), server.logger, config.shutdownTimeoutMs)
  } else process.exit(result.exitCode)
} catch (err) {
  console.error(err)
  process.exit(1)
}
