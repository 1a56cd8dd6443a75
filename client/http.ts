/** The HTTP API through fetch: accounts, conversations, history and sync pages, typed from the contract. */
import type {
  AckPayload,
  Attachment,
  ChangePasswordBody,
  ClientPayload,
  Conversation,
  ConversationDetail,
  ConversationSummary,
  CreateConversationBody,
  EventsPage,
  HistoryPage,
  LoginBody,
  Message,
  MuteState,
  OwnUser,
  RegisterBody,
  RegistrationInfo,
  ResetPasswordBody,
  Session,
} from "../src/contract.ts"
import { CauserieError } from "./errors.ts"
import { adminApi, peopleApi } from "./peopleHttp.ts"

export interface HttpOptions {
  /** The server's origin, e.g. `https://chat.example.com`. */
  url: string
  /** A token from an earlier session; register and login set it. */
  token?: string
  /** Another fetch (a test double, or one with a proxy); the global one by default. */
  fetch?: typeof fetch
}

type SendBody = Omit<ClientPayload<"send_message">, "conversationId">

/** HTTP helpers that keep the session token of the last register or login. */
export function createHttp({ url, token: initial, fetch: fetchFn = globalThis.fetch }: HttpOptions) {
  let token = initial
  const base = url.replace(/\/+$/, "")

  async function call<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const res = await fetchFn(`${base}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    const json = text ? JSON.parse(text) : undefined
    if (!res.ok) {
      const error = json?.error ?? { code: "INTERNAL", message: `${res.status} ${res.statusText}` }
      throw new CauserieError(error, res.status)
    }
    return json as T
  }
  const keep = (session: Session) => {
    token = session.token
    return session
  }
  const query = (params: Record<string, string | number | boolean | undefined>) => {
    const entries = Object.entries(params).filter(([, v]) => v !== undefined)
    return entries.length
      ? `?${new URLSearchParams(entries.map(([k, v]): [string, string] => [k, String(v)]))}`
      : ""
  }
  const conversation = (id: number) => `/api/conversations/${id}`

  return {
    /** The token requests carry (and the socket should use). */
    get token() {
      return token
    },
    /** Whether registering is open, by invite or closed. */
    registration: () => call<RegistrationInfo>("GET", "/api/auth/registration"),
    register: async (body: RegisterBody) => keep(await call<Session>("POST", "/api/auth/register", body)),
    login: async (body: LoginBody) => keep(await call<Session>("POST", "/api/auth/login", body)),
    logout: async () => {
      await call("POST", "/api/auth/logout")
      token = undefined
    },
    /** Revokes every token of the user and disconnects all their sockets. */
    logoutAll: async () => {
      await call("POST", "/api/auth/logout-all")
      token = undefined
    },
    changePassword: async (body: ChangePasswordBody) =>
      keep(await call<Session>("POST", "/api/auth/password", body)),
    /** Sets a password with a server admin's reset token; log in with it afterwards. */
    resetPassword: (body: ResetPasswordBody) => call<{ ok: true }>("POST", "/api/auth/reset", body),
    me: () => call<{ user: OwnUser }>("GET", "/api/me"),
    /** My account, conversations and messages as one JSON document, as a byte stream. */
    exportData: async (): Promise<ReadableStream<Uint8Array>> => {
      const res = await fetchFn(`${base}/api/me/export`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      })
      if (!res.ok) throw new CauserieError((await res.json()).error, res.status)
      return res.body!
    },
    /** Deletes my account (the password is needed); the token stops working. */
    deleteMe: async (password: string) => {
      await call("DELETE", "/api/me", { password })
      token = undefined
    },
    /**
     * Uploads a file's raw bytes (a Blob, a File, a stream); attach it with `attachments: [{id}]`.
     * `durationMs` for a voice message.
     */
    upload: async (body: BodyInit, name: string, durationMs?: number): Promise<Attachment> => {
      const res = await fetchFn(`${base}/api/uploads${query({ name, durationMs })}`, {
        method: "POST",
        headers: token ? { authorization: `Bearer ${token}` } : {},
        body,
      })
      const json = await res.json()
      if (!res.ok) throw new CauserieError(json.error, res.status)
      return json.upload
    },
    ...peopleApi(call, query),
    admin: adminApi(call, query),

    conversations: {
      create: (body: CreateConversationBody) => call<Conversation>("POST", "/api/conversations", body),
      list: async (options: { includeBlocked?: boolean } = {}) =>
        (await call<{ conversations: ConversationSummary[] }>("GET", `/api/conversations${query(options)}`))
          .conversations,
      get: (id: number) => call<ConversationDetail>("GET", conversation(id)),
      /** Mutes it for me until `until` (ISO-8601), or unmutes with null; my devices hear conversation_muted. */
      mute: (id: number, until: string | null) =>
        call<MuteState>("PATCH", `${conversation(id)}/me`, { mutedUntil: until }),
      /** A page of history, newest first; pass `nextBefore` as `before` for the next. */
      history: (id: number, page: { before?: number; limit?: number } = {}) =>
        call<HistoryPage>("GET", `${conversation(id)}/messages${query(page)}`),
      /** The stored events after `after`, oldest first (one sync page). */
      events: (id: number, page: { after?: number; limit?: number } = {}) =>
        call<EventsPage>("GET", `${conversation(id)}/events${query(page)}`),
      /** Sends over HTTP; give a clientMessageId to make a retry safe. */
      send: (id: number, body: SendBody) =>
        call<{ message: Message; duplicate: boolean }>("POST", `${conversation(id)}/messages`, body),
      markRead: (id: number, seq: number) =>
        call<AckPayload<"mark_read">>("POST", `${conversation(id)}/read`, { seq }),
      markDelivered: (id: number, seq: number) =>
        call<AckPayload<"mark_delivered">>("POST", `${conversation(id)}/delivered`, { seq }),
    },
  }
}

export type CauserieHttp = ReturnType<typeof createHttp>
