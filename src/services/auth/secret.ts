/** Resolves the JWT secret: the environment's, or a random one kept in the data folder. */
import { randomBytes } from "node:crypto"
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"

/**
 * Never a hard-coded fallback: without JWT_SECRET a random secret is generated on first start
 * and kept (mode 0600) so tokens survive restarts. Several nodes must share one JWT_SECRET.
 */
export function resolveJwtSecret(
  fromEnv: string | undefined,
  dataDir: string,
): { secret: string; source: string } {
  if (fromEnv) return { secret: fromEnv, source: "JWT_SECRET" }
  const file = join(dataDir, "jwt-secret")
  if (existsSync(file)) {
    const secret = readFileSync(file, "utf8").trim()
    if (secret.length >= 32) return { secret, source: file }
  }
  mkdirSync(dataDir, { recursive: true })
  const secret = randomBytes(48).toString("base64url")
  writeFileSync(file, `${secret}\n`, { mode: 0o600 })
  chmodSync(file, 0o600)
  return { secret, source: `${file} (generated)` }
}
