/**
 * Builds `dist/causerie`: one self-contained executable (`bun build --compile`) carrying the code,
 * the SQL migrations and libSQL's native addon.
 *
 *   bun scripts/build.ts [--target bun-linux-arm64] [--outfile dist/causerie]
 *
 * The addon needs a plugin: `libsql` picks `@libsql/<platform>` with a computed `require`, which the
 * compiler cannot follow, so the executable would look for it in a node_modules that is not there.
 */
import { existsSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, relative, resolve } from "node:path"
import { parseArgs } from "node:util"
import type { BunPlugin } from "bun"

const { values } = parseArgs({
  options: {
    target: { type: "string" },
    outfile: { type: "string", default: "dist/causerie" },
  },
})

const root = new URL("..", import.meta.url).pathname
const target = (values.target ?? hostTarget()) as Bun.Build.CompileTarget

/** Bun's compile target for this machine, glibc or musl as the host uses. */
function hostTarget(): string {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined
  const musl = process.platform === "linux" && !report?.header?.glibcVersionRuntime
  return `bun-${process.platform === "win32" ? "windows" : process.platform}-${process.arch}${musl ? "-musl" : ""}`
}

/** The `@libsql/*` package holding the addon for a Bun compile target, e.g. `linux-x64-gnu`. */
export function libsqlPlatform(compileTarget: string): string {
  const [, os, arch, ...rest] = compileTarget.split("-")
  if (os === "windows") return `win32-${arch}-msvc`
  if (os === "darwin") return `darwin-${arch}`
  return `linux-${arch}-${rest.includes("musl") ? "musl" : "gnu"}`
}

/** Rewrites libsql's computed `require(\`@libsql/${target}\`)` into a static require of one addon. */
export function embedLibsqlAddon(platform: string): BunPlugin {
  return {
    name: "embed-libsql-addon",
    setup(build) {
      build.onLoad({ filter: /[\\/]node_modules[\\/]libsql[\\/]index\.js$/ }, async ({ path }) => {
        // Resolve from libsql itself: that is where its platform packages are installed.
        let addon: string
        try {
          addon = createRequire(path).resolve(`@libsql/${platform}/index.node`)
        } catch {
          throw new Error(`@libsql/${platform} is not installed: npm install --no-save @libsql/${platform}`)
        }
        const source = await Bun.file(path).text()
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text to find, not a template
        const computed = "require(`@libsql/${target}`)"
        if (!source.includes(computed)) throw new Error(`libsql changed: no ${computed} in ${path}`)
        return { contents: source.replace(computed, `require(${JSON.stringify(addon)})`), loader: "js" }
      })
    },
  }
}

/**
 * The web client's socket library for the browser. The executable's build resolves packages with the
 * `node` condition, also for the page it embeds (src/web/app), and socket.io-client's `node` build
 * reaches for Node's http module; its browser build is the one the page needs. Nothing on the server
 * side imports socket.io-client.
 */
export function browserSocketClient(): BunPlugin {
  return {
    name: "browser-socket-client",
    setup(build) {
      build.onResolve({ filter: /^(socket|engine)\.io-client$/ }, ({ path }) => ({
        path: resolve(root, "node_modules", path, "build/esm/index.js"),
      }))
      // Its package.json's `browser` map, which this build does not read: the browser's transports.
      build.onResolve({ filter: /\.node\.js$/ }, ({ path, importer }) => {
        if (!/[\\/]engine\.io-client[\\/]/.test(importer)) return undefined
        return { path: resolve(dirname(importer), path.replace(/\.node\.js$/, ".js")) }
      })
    },
  }
}

const started = performance.now()
const outfile = resolve(root, values.outfile)
const result = await Bun.build({
  // The checkpointer's thread is an entry of its own: the compiler does not follow `new Worker`.
  entrypoints: [`${root}src/index.ts`, `${root}src/ops/checkpointWorker.ts`],
  compile: {
    target,
    outfile,
    // A bunfig.toml in the folder the server starts from must not change how it runs (preloads).
    autoloadBunfig: false,
  },
  plugins: [embedLibsqlAddon(libsqlPlatform(target)), browserSocketClient()],
  minify: true,
  sourcemap: "linked",
  bytecode: true,
  format: "esm",
  throw: false,
})
if (!result.success) {
  for (const log of result.logs) console.error(log)
  process.exit(1)
}
if (!existsSync(outfile)) throw new Error(`the build reported success but ${outfile} is missing`)
const size = Bun.file(outfile).size
console.log(
  `${relative(process.cwd(), outfile)} (${target}, ${(size / 1e6).toFixed(1)} MB) in ${Math.round(performance.now() - started)} ms`,
)
