/** Real clients: HTTP through fetch, sockets through socket.io-client. */
import { io, type Socket } from "socket.io-client"
import type { TestServer } from "./server.ts"

export interface TestUser {
  id: number
  email: string
  displayName: string | null
  token: string
}

let counter = 0

/** Registers a fresh user named after `name`. */
export async function signUp(
  h: TestServer,
  name: string,
  password = "correct horse battery",
): Promise<TestUser> {
  const email = `${name}.${process.pid}.${++counter}@example.test`
  const res = await fetch(`${h.url}/api/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password, displayName: name }),
  })
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`)
  const body = (await res.json()) as { user: Omit<TestUser, "token">; token: string }
  return { ...body.user, token: body.token }
}

export interface ApiResponse<T = any> {
  status: number
  body: T
  headers: Headers
}

/** A JSON request; `auth` is a user (Bearer token), a raw header set, or nothing. */
export async function api<T = any>(
  h: TestServer,
  method: string,
  path: string,
  options: { auth?: TestUser; body?: unknown; headers?: Record<string, string>; rawBody?: string } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers }
  if (options.auth) headers.authorization = `Bearer ${options.auth.token}`
  if (options.body !== undefined || options.rawBody !== undefined)
    headers["content-type"] = "application/json"
  const res = await fetch(`${h.url}${path}`, {
    method,
    headers,
    body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  })
  const text = await res.text()
  let body: any = text
  try {
    body = JSON.parse(text)
  } catch {}
  return { status: res.status, body, headers: res.headers }
}

/** Creates a group conversation of `owner` with `others`; returns its id. */
export async function createConversation(
  h: TestServer,
  owner: TestUser,
  others: TestUser[],
  title = "test",
): Promise<number> {
  const res = await api(h, "POST", "/api/conversations", {
    auth: owner,
    body: { title, participantIds: others.map((u) => u.id) },
  })
  if (res.status !== 201)
    throw new Error(`create conversation failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.id
}

const sockets = new Set<Socket>()

/** An unconnected socket for `h`; `connect` waits for it. Closed by `closeAll`. */
export function socketFor(h: TestServer, options: Parameters<typeof io>[1] = {}): Socket {
  const s = io(h.url, { transports: ["websocket"], reconnection: false, forceNew: true, ...options })
  sockets.add(s)
  return s
}

/** A connected socket authenticated as `user` through `auth.token`. */
export async function connect(
  h: TestServer,
  user: TestUser,
  options: Parameters<typeof io>[1] = {},
): Promise<Socket> {
  const s = socketFor(h, { auth: { token: user.token }, ...options })
  await new Promise<void>((resolve, reject) => {
    s.once("connect", () => resolve())
    s.once("connect_error", (err) => reject(err))
  })
  return s
}

/** The `connect_error` a socket gets, or throws if it connects. */
export function connectError(s: Socket): Promise<Error & { data?: { code?: string } }> {
  return new Promise((resolve, reject) => {
    s.once("connect", () => reject(new Error("connected, but a refusal was expected")))
    s.once("connect_error", (err) => resolve(err as never))
    // A handshake the server cuts short (an oversized frame, say) ends in a disconnect instead.
    s.once("disconnect", (reason) =>
      reject(new Error(`disconnected (${reason}), but a refusal was expected`)),
    )
  })
}

/** Closes every socket opened through these helpers. */
export function closeAll(): void {
  for (const s of sockets) s.close()
  sockets.clear()
}

/** Joins a conversation and returns the acknowledgement. */
export function join(s: Socket, conversationId: number): Promise<any> {
  return s.timeout(5000).emitWithAck("join_conversation", { conversationId })
}

/** Registers one fresh user per name, at once; typed as a tuple for destructuring. */
export function signUpAll<const N extends readonly string[]>(
  h: TestServer,
  names: N,
): Promise<{ -readonly [K in keyof N]: TestUser }> {
  return Promise.all(names.map((n) => signUp(h, n))) as never
}

/** Connects one socket per user, at once; typed as a tuple for destructuring. */
export function connectAll<const U extends readonly TestUser[]>(
  h: TestServer,
  users: U,
): Promise<{ -readonly [K in keyof U]: Socket }> {
  return Promise.all(users.map((u) => connect(h, u))) as never
}
