/** The Redis connection several nodes share: connected once at start, watched for readiness, closed on stop. */
import { createClient, type RedisClientType } from "@redis/client"
import { AppError } from "../../errors.ts"
import type { Logger } from "../../ops/logger.ts"

export interface RedisConnection {
  client: RedisClientType
  /** True when Redis answers a PING within `ms`. */
  ready(ms?: number): Promise<boolean>
  close(): Promise<void>
}

/** Connects to `url`; reconnects on its own (with back-off) whenever Redis goes away. */
export async function connectRedis(url: string, logger: Logger): Promise<RedisConnection> {
  const client = createClient({
    url,
    socket: { reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2000) },
  }) as RedisClientType
  let down = false
  // Without a listener an error event would end the process; Redis coming and going is expected.
  client.on("error", (err: Error) => {
    if (!down) logger.warn({ event: "redis_error", err: err.message }, "Redis unreachable; retrying")
    down = true
  })
  client.on("ready", () => {
    if (down) logger.info({ event: "redis_ready" }, "Redis reachable again")
    down = false
  })
  await client.connect()
  return {
    client,
    async ready(ms = 2000) {
      if (!client.isReady) return false
      let timer: ReturnType<typeof setTimeout> | undefined
      const late = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), ms)
      })
      try {
        return await Promise.race([
          client.ping().then(
            (r) => r === "PONG",
            () => false,
          ),
          late,
        ])
      } finally {
        clearTimeout(timer)
      }
    },
    async close() {
      await client.close().catch(() => client.destroy())
    },
  }
}

/** What a step that needs Redis answers while Redis is away: retry shortly, with the same clientMessageId. */
export const redisAway = () =>
  new AppError("UNAVAILABLE", "Shared state is unreachable; retry shortly", { retryAfterMs: 1000 })
