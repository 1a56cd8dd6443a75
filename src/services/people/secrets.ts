/** One-time secrets (invites, password resets): random tokens shown once, stored only as hashes. */
import { createHash, randomBytes } from "node:crypto"

/** 256 random bits, URL-safe. */
export const newToken = () => randomBytes(32).toString("base64url")

/**
 * What the database keeps of a token. A plain SHA-256 is enough: the token is random and long, so
 * nothing can be guessed from the hash, and a lookup stays one indexed equality.
 */
export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex")
