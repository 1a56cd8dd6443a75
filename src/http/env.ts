/** Per-request values every router can read through `c.var`. */
import type { Context } from "hono"
import type { z } from "zod"
import type { OwnUser, PublicUser } from "../contract.ts"
import { AppError, parseInput } from "../errors.ts"
import type { Logger } from "../ops/logger.ts"
import { idParam } from "../schemas/inputs.ts"

export interface AppEnv {
  Variables: {
    requestId: string
    /** The caller, as others see them (email hidden). */
    user: PublicUser
    /** The caller, as they see themself (with their admin flag and language). */
    me: OwnUser
    log: Logger
  }
}

/**
 * The JSON body, with `fromPath` (ids from the URL) laid over it, parsed by `schema`;
 * malformed JSON and invalid fields are BAD_REQUEST.
 */
export async function readJson<S extends z.ZodType>(
  c: Context<AppEnv>,
  schema: S,
  fromPath: Record<string, unknown> = {},
): Promise<z.output<S>> {
  let body: unknown
  try {
    body = await c.req.json()
  } catch {
    throw new AppError("BAD_REQUEST", "The request body must be JSON")
  }
  const isObject = body !== null && typeof body === "object" && !Array.isArray(body)
  return parseInput(schema, isObject ? { ...(body as object), ...fromPath } : body)
}

/** The id in the path parameter `name`; anything but a positive integer is BAD_REQUEST. */
export const pathId = (c: Context<AppEnv>, name = "id"): number => parseInput(idParam, c.req.param(name))
