/**
 * Every setting, declared once: its kind of value, its default, and what it does. `causerie --help`
 * and the README's Configuration table are made from these (scripts/readme-config.ts, checked by a test).
 * Adding a setting: one entry here, in the order the README lists them, and one field in config.ts.
 */
import type { Kind } from "./kinds.ts"
import {
  databaseUrl,
  duration,
  mimeTypes,
  oneOf,
  origins,
  redisUrl,
  secret,
  text,
  uploadStorage,
  wholeNumber,
  yesNo,
} from "./kinds.ts"

export interface Declaration {
  kind: Kind<unknown>
  /** The variable's text when it is unset or empty; none leaves the value undefined. */
  default?: string
  /** How the default is shown when it is not a literal value ("generated"). */
  shownDefault?: string
  /** One line, for `--help` and the README. */
  description: string
  /** More for the README only. */
  details?: string
  /** Environment only: never a flag (every user sees a process's arguments), never printed. */
  secret?: true
}

export const SETTINGS = {
  PORT: {
    kind: wholeNumber(0, 65535),
    default: "3001",
    description: "HTTP and Socket.IO port (`0` picks a free one).",
  },
  HOST: {
    kind: text("a host name or IP address"),
    default: "0.0.0.0",
    description: "Address to listen on (`0.0.0.0`: every interface).",
  },
  DATABASE_URL: {
    kind: databaseUrl,
    default: "file:./data/chat.db",
    description: "A local SQLite file (`file:`), or a libSQL server (`libsql://`, `http(s)://`, `ws(s)://`).",
  },
  DATABASE_AUTH_TOKEN: { kind: secret(1), description: "Token for a libSQL server.", secret: true },
  DATABASE_SYNCHRONOUS: {
    kind: oneOf(["NORMAL", "FULL"]),
    default: "NORMAL",
    description: "SQLite `synchronous` pragma: `NORMAL` or `FULL`.",
    details:
      "`NORMAL` (WAL) survives a killed process, but a power cut may lose the last commits; `FULL` syncs every commit.",
  },
  DATA_DIR: {
    kind: text("a folder path"),
    default: "./data",
    description: "Where the generated JWT secret is kept, and uploaded files (`DATA_DIR/uploads`).",
  },
  JWT_SECRET: {
    kind: secret(32),
    shownDefault: "generated",
    description: "HS256 secret, at least 32 characters.",
    details:
      "When unset, a random secret is generated on first start and kept in `DATA_DIR/jwt-secret` (mode 0600). Never a built-in fallback.",
    secret: true,
  },
  JWT_TTL: {
    kind: duration,
    default: "7d",
    description: "Token lifetime: `45s`, `30m`, `12h`, `7d` or seconds.",
    details: "Sockets are disconnected when their token expires.",
  },
  CORS_ORIGINS: {
    kind: origins,
    default: "",
    shownDefault: "same origin only",
    description: "Comma-separated browser origins allowed to use the API and the cookie (`*` allows all).",
  },
  LOG_LEVEL: {
    kind: oneOf(["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
    default: "info",
    description: "`fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`.",
  },
  MAX_HTTP_BUFFER_SIZE: {
    kind: wholeNumber(1),
    default: "65536",
    description: "Largest Socket.IO frame and largest HTTP request body, in bytes.",
    details:
      "A larger frame closes that connection; a larger body is 413 `PAYLOAD_TOO_LARGE` (past the largest of 1 MiB, four times this setting and `UPLOAD_MAX_BYTES` + 64 KiB, the connection is refused before the body is read). Uploads have their own limit, `UPLOAD_MAX_BYTES`.",
  },
  MAX_PARTICIPANTS: { kind: wholeNumber(1), default: "1000", description: "Participants per conversation." },
  MAX_CONNECTIONS_PER_USER: {
    kind: wholeNumber(1),
    default: "20",
    description: "Live sockets per user.",
    details: "Over every node, with several. One more is refused with `RATE_LIMITED`.",
  },
  RATE_LIMIT_MESSAGES_PER_SECOND: {
    kind: wholeNumber(0),
    default: "20",
    description: "Messages a user may send per second (token bucket; `0` disables).",
  },
  RATE_LIMIT_MESSAGES_BURST: {
    kind: wholeNumber(1),
    default: "40",
    description: "Messages a user may send at once.",
  },
  RATE_LIMIT_JOINS_PER_SECOND: {
    kind: wholeNumber(0),
    default: "10",
    description: "`join_conversation` per user per second (`0` disables).",
  },
  RATE_LIMIT_JOINS_BURST: { kind: wholeNumber(1), default: "30", description: "Joins at once." },
  RATE_LIMIT_TYPING_PER_SECOND: {
    kind: wholeNumber(0),
    default: "2",
    description: "`typing` notices a user may send per second (`0` disables).",
    details: "Edits and reactions count against the messages limit.",
  },
  RATE_LIMIT_TYPING_BURST: { kind: wholeNumber(1), default: "6", description: "`typing` notices at once." },
  PRESENCE_GRACE_MS: {
    kind: wholeNumber(0),
    default: "5000",
    description:
      "How long a user stays online after their last device disconnects, so that a page reload is not an offline blip.",
  },
  LOGIN_MAX_FAILURES: {
    kind: wholeNumber(0),
    default: "10",
    description:
      "Failed logins for one email from one client address within the window before 429 (`0` disables).",
    details: "An address is never locked out of accounts it has not failed on.",
  },
  LOGIN_FAILURE_WINDOW: {
    kind: duration,
    default: "15m",
    description: "The window of `LOGIN_MAX_FAILURES`.",
  },
  TRUST_PROXY: {
    kind: yesNo,
    default: "false",
    description: "`true` behind a reverse proxy: the client address comes from `X-Forwarded-For`.",
  },
  PASSWORD_HASH_MEMORY_KIB: {
    kind: wholeNumber(1024, 4_194_304),
    default: "19456",
    description: "argon2id memory per password hash, in KiB (OWASP's baseline is 19 MiB).",
    details: "Existing hashes keep their own cost.",
  },
  PASSWORD_HASH_TIME_COST: { kind: wholeNumber(1, 20), default: "2", description: "argon2id passes." },
  NATIVE_BROADCAST: {
    kind: yesNo,
    default: "true",
    description: "Room broadcasts through Bun's native WebSocket publish; `false` uses Socket.IO's own path.",
    details:
      "Native: one encode, native fan-out, the same frames on the wire. Rooms with a member still on HTTP long-polling always use Socket.IO's path.",
  },
  SHUTDOWN_TIMEOUT_MS: {
    kind: wholeNumber(1),
    default: "10000",
    description: "The longest a graceful stop may take, in milliseconds.",
    details: "After that the server closes the remaining connections and the database anyway, and exits 1.",
  },
  METRICS_TOKEN: {
    kind: secret(16),
    description: "When set, `GET /metrics` needs `Authorization: Bearer <token>` (at least 16 characters).",
    details:
      "When unset, `/metrics` answers only direct requests from the loopback address (403 `FORBIDDEN` otherwise, and for anything that came through a proxy).",
    secret: true,
  },
  REDIS_URL: {
    kind: redisUrl,
    description:
      "`redis://[user:password@]host:port` (or `rediss://`): run several nodes that share Redis for broadcasts, rate limits, presence, logouts and membership changes.",
    details:
      "See [docs/scaling.md](docs/scaling.md). Unset: one node, everything in this process. Environment only (it may hold a password).",
    secret: true,
  },
  NODE_TIMEOUT_MS: {
    kind: wholeNumber(300),
    default: "15000",
    description:
      "Several nodes: a node whose heartbeat in Redis is older than this is taken for dead; its sockets stop counting for presence and `MAX_CONNECTIONS_PER_USER`.",
    details:
      "Each node beats every third of it. A user whose only devices were on the dead node goes offline then (`presence`, `lastSeenAt`: its last heartbeat).",
  },
  LOG_FORMAT: {
    kind: oneOf(["auto", "json", "pretty"]),
    default: "auto",
    description: "`auto` (pretty on a terminal, JSON lines otherwise), `json` or `pretty`.",
    details: "Pretty is one line per request and per socket event; JSON suits journald, files and pipes.",
  },
  // Hardening (issue 16): abuse limits and unauthenticated sessions.
  LOGIN_SLOWDOWN_AFTER: {
    kind: wholeNumber(0),
    default: "5",
    description:
      "Failed logins for one email, from any address, within `LOGIN_FAILURE_WINDOW` before each further attempt must wait (`0` disables).",
    details: "The wait is 1 s, then twice as long after each failure.",
  },
  LOGIN_SLOWDOWN_MAX: {
    kind: duration,
    default: "1m",
    description: "The longest of those waits.",
    details: "The owner of an attacked account is slowed down, never locked out.",
  },
  RATE_LIMIT_REGISTRATIONS_PER_HOUR: {
    kind: wholeNumber(0),
    default: "20",
    description: "Registrations per client address per hour (`0` disables).",
    details: "A token bucket of that size.",
  },
  RATE_LIMIT_CONVERSATIONS_PER_MINUTE: {
    kind: wholeNumber(0),
    default: "10",
    description: "Conversations a user may create per minute (`0` disables).",
  },
  RATE_LIMIT_CHANGES_PER_MINUTE: {
    kind: wholeNumber(0),
    default: "60",
    description: "Renames and participant changes (add, remove, role) per user per minute (`0` disables).",
    details: "HTTP and sockets count together.",
  },
  MAX_PENDING_SESSIONS_PER_ADDRESS: {
    kind: wholeNumber(1),
    default: "50",
    description: "Socket.IO sessions from one address that have not authenticated yet.",
    details: "One more handshake is 429.",
  },
  MAX_PENDING_SESSIONS: {
    kind: wholeNumber(1),
    default: "2000",
    description: "The same, for all addresses together.",
  },
  PENDING_SESSION_TIMEOUT_MS: {
    kind: wholeNumber(1),
    default: "5000",
    description: "How long a session may take to authenticate before the server closes it, in milliseconds.",
  },
  // People and administration (issue 12).
  REGISTRATION: {
    kind: oneOf(["open", "invite", "closed"]),
    default: "open",
    description:
      "Who may create an account over HTTP: `open` (anyone), `invite` (with a server admin's invite) or `closed`.",
    details:
      "With `closed`, server admins and `causerie user create` make accounts. See [Registration](#registration-and-invites).",
  },
  USER_DIRECTORY: {
    kind: oneOf(["all", "shared"]),
    default: "all",
    description:
      "Whom the directory finds: `all` (every account) or `shared` (people one shares a conversation with, and an exact email).",
    details: "It also decides when emails are shown; see [The directory](#the-directory).",
  },
  INVITE_TTL: {
    kind: duration,
    default: "7d",
    description: "How long an invite lasts when its maker does not say.",
  },
  PASSWORD_RESET_TTL: {
    kind: duration,
    default: "1h",
    description: "How long a password reset token lasts.",
  },
  // Uploads and attachments (issue 14).
  UPLOAD_MAX_BYTES: {
    kind: wholeNumber(1),
    default: "26214400",
    description: "Largest uploaded file, in bytes (25 MiB).",
    details: "A larger one is 413 `PAYLOAD_TOO_LARGE`, and nothing of it is kept.",
  },
  UPLOAD_QUOTA_BYTES: {
    kind: wholeNumber(0),
    default: "1073741824",
    description: "Bytes of files one user may keep in all, sent or waiting to be (1 GiB; `0`: no limit).",
    details:
      "An upload that would go past it is 413 `PAYLOAD_TOO_LARGE` naming the quota, and nothing of it is kept. Files count until their last message is deleted, or, never sent, until the sweep removes them.",
  },
  UPLOAD_TYPES: {
    kind: mimeTypes,
    default:
      "image/png,image/jpeg,image/gif,image/webp,audio/webm,audio/ogg,audio/mpeg,audio/mp4,audio/wav,video/webm,video/mp4,application/pdf,text/plain,application/zip",
    shownDefault: "images, audio, video, PDF, text, zip",
    description: "Comma-separated file types one may upload, as sniffed from the bytes.",
    details:
      "The default: `image/png`, `image/jpeg`, `image/gif`, `image/webp`, `audio/webm`, `audio/ogg`, `audio/mpeg`, `audio/mp4`, `audio/wav`, `video/webm`, `video/mp4`, `application/pdf`, `text/plain`, `application/zip`. Others are 415 `UNSUPPORTED_MEDIA_TYPE`; see [Uploads](#uploads-and-attachments).",
  },
  UPLOAD_STORAGE: {
    kind: uploadStorage,
    default: "file",
    description: "Where uploads are kept: `file` (`DATA_DIR/uploads`) or `s3://bucket[/prefix]`.",
    details:
      "S3 and S3-compatible servers through Bun's built-in client, which reads the credentials and endpoint from `S3_ACCESS_KEY_ID`, `S3_SECRET_ACCESS_KEY`, `S3_ENDPOINT`, `S3_REGION` (or their `AWS_*` names).",
  },
} satisfies Record<string, Declaration>

export type SettingName = keyof typeof SETTINGS

/** Every environment variable the configuration reads, in the order of the declarations. */
export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[]

type ValueOf<D> = D extends { kind: Kind<infer T> }
  ? D extends { default: string }
    ? T
    : T | undefined
  : never

/** The parsed value of every setting; undefined only for a setting without a default. */
export type SettingValues = { [N in SettingName]: ValueOf<(typeof SETTINGS)[N]> }
