/** fast-check arbitraries for the fuzz test: hostile values of every shape, payloads and HTTP requests. */
import fc from "fast-check"

const EDGE_NUMBERS = [
  Number.NaN,
  Infinity,
  -Infinity,
  -0,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  2 ** 31,
  2 ** 53,
  2 ** 53 + 2,
]
const EDGE_STRINGS = [
  ...["", " ", "1", "01", " 1", "1e3", "0x10", "-1", "NaN", "Infinity", "null", "true", "[1]", "{}"],
  ...["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "\u0000", "\u202e", "💥", "🏳️‍🌈"],
  ...["<script>alert(1)</script>", "' OR 1=1 --", "1; DROP TABLE users", "%00", "../..", "\\", "\ud800"],
]

/** Any hostile value: arbitrary structures, edge numbers, tricky strings, huge strings, deep arrays. */
export const weird: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.anything({
      maxDepth: 3,
      maxKeys: 6,
      withBoxedValues: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withDate: true,
      withTypedArray: true,
      withSparseArray: true,
      stringUnit: "binary",
    }),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom<unknown>(
      ...EDGE_NUMBERS,
      ...EDGE_STRINGS,
      null,
      undefined,
      true,
      false,
      [],
      {},
    ),
  },
  // Over the 4,000-character text limit, but well under the 64 KiB frame limit.
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 3_990, max: 12_000 }), fc.constantFrom("x", " ", "é", "💥"))
      .map(([n, c]) => c.repeat(n)),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 2_000 }).map((depth) => {
      let v: unknown = 1
      for (let i = 0; i < depth; i++) v = [v]
      return v
    }),
  },
)

/** Ids that exist (small integers) as often as hostile ones. */
export const smallId = fc.integer({ min: 1, max: 12 })
const orWeird = <T>(a: fc.Arbitrary<T>) => fc.oneof(a, weird)

/** Plausible values for each field name the protocol uses. */
const FIELD: Record<string, fc.Arbitrary<unknown>> = {
  conversationId: smallId,
  messageId: fc.integer({ min: 1, max: 40 }),
  replyToMessageId: fc.integer({ min: 1, max: 40 }),
  userId: smallId,
  userIds: fc.array(smallId, { maxLength: 5 }),
  participantIds: fc.array(smallId, { maxLength: 5 }),
  text: fc.string({ maxLength: 40, unit: "grapheme" }),
  title: fc.option(fc.string({ maxLength: 40 })),
  audioUrl: fc.oneof(
    fc.webUrl(),
    fc.constantFrom("javascript:alert(1)", "ftp://example.com/a", "http://", "data:,x"),
  ),
  role: fc.constantFrom("admin", "member", "owner", "ADMIN"),
  type: fc.constantFrom("group", "direct", "channel"),
  email: fc.oneof(
    fc.emailAddress(),
    fc.stringMatching(/^[a-z0-9]{1,12}@example\.test$/),
    fc.constantFrom("a@b", "@", "fuzz@example.test", `${"x".repeat(300)}@example.test`),
  ),
  password: fc.string({ maxLength: 300 }),
  displayName: fc.string({ maxLength: 120 }),
  currentPassword: fc.string({ maxLength: 40 }),
  newPassword: fc.string({ maxLength: 300 }),
}

/** Prototype-pollution keys in front of otherwise valid fields (as JSON.parse builds them: own keys). */
const POLLUTION = '"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},'

/** Payloads for a message with these keys: any value, right keys with any types, plausible, polluted. */
export function payload(keys: string[]): fc.Arbitrary<unknown> {
  // The first key is the one every payload needs; the others are sometimes left out.
  const fields = Object.fromEntries(keys.map((k) => [k, FIELD[k] ?? weird]))
  const plausible = fc.record(fields, { requiredKeys: keys.slice(0, 1) })
  const mixed = Object.fromEntries(keys.map((k) => [k, orWeird(FIELD[k] ?? weird)]))
  return fc.oneof(
    { weight: 2, arbitrary: weird },
    { weight: 2, arbitrary: fc.record(mixed, { requiredKeys: [] }) },
    { weight: 3, arbitrary: plausible },
    {
      weight: 1,
      arbitrary: plausible.map((v) =>
        JSON.parse(`{${POLLUTION}${JSON.stringify(v).slice(1)}`.replace(/,}$/, "}")),
      ),
    },
  )
}

/** Argument lists for an emit: the payload alone, nothing, or the payload followed by extra junk. */
export const emitArgs = (keys: string[]): fc.Arbitrary<unknown[]> =>
  fc.oneof(
    { weight: 8, arbitrary: payload(keys).map((p) => [p]) },
    { weight: 1, arbitrary: fc.constant<unknown[]>([]) },
    { weight: 1, arbitrary: fc.tuple(payload(keys), weird) },
  )

/** A path segment where an id belongs: an id, or anything a URL can carry there. */
export const segment: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: smallId.map(String) },
  {
    weight: 2,
    arbitrary: fc
      .oneof(fc.string(), fc.constantFrom(...EDGE_STRINGS))
      .map((s) => encodeURIComponent(s.toWellFormed())),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "9007199254740993",
      "99999999999999999999",
      "0",
      "-0",
      "%2e%2e",
      "%2F",
      "%00",
      "..",
      ".",
    ),
  },
)

export interface RawBody {
  contentType?: string
  body?: string | Uint8Array
}

/** A request body: JSON of a payload, broken JSON, another media type, bytes, or none at all. */
export const body = (keys: string[]): fc.Arbitrary<RawBody> =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: payload(keys).map((p) => ({ contentType: "application/json", body: JSON.stringify(p) })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom("{", "[1,", '{"a":}', "nul", "", "\u0000", "{}}")
        .map((b) => ({ contentType: "application/json", body: b })),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        contentType: fc.constantFrom("text/plain", "application/x-www-form-urlencoded"),
        body: fc.string(),
      }),
    },
    {
      weight: 1,
      arbitrary: fc
        .uint8Array({ maxLength: 200 })
        .map((b) => ({ contentType: "application/octet-stream", body: b })),
    },
    { weight: 1, arbitrary: fc.constant({}) },
  )

/** Query strings for the routes that read one. */
/** Search text in FTS5's own syntax and around it: quotes, stars, operators, column filters. */
const searchText = fc
  .array(
    fc.constantFrom('"', "*", "OR", "AND", "NOT", "NEAR(", ")", ":", "^", "-", "+", "élève", "a", " ", "\\"),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(""))

export const query = fc.dictionary(
  fc.constantFrom("before", "limit", "includeBlocked", "q", "conversationId", "x", "__proto__"),
  fc.oneof(
    smallId.map(String),
    fc.constantFrom("0", "101", "-1", "1.5", "true", "TRUE", "", "1e2"),
    fc.string(),
    searchText,
  ),
  { maxKeys: 3 },
)

/**
 * Raw Socket.IO packets, as an engine.io message carries them: any string; a packet type, attachment
 * count, namespace, ack id and data of any shape; events named after reserved or inherited names.
 * Namespace connect (0) and disconnect (1) packets are left out: they end a socket's life on purpose.
 */
export const rawPacket: fc.Arbitrary<string> = fc
  .oneof(
    fc.string({ maxLength: 200 }),
    fc
      .tuple(
        fc.constantFrom("2", "3", "4", "5", "6", "7", "9", ""),
        fc.constantFrom("", "1-", "99-", "-"),
        fc.constantFrom("", "/", "/admin,", "/,"),
        fc.oneof(fc.constant(""), fc.nat().map(String), fc.constant("99999999999999999999")),
        weird,
      )
      .map(
        ([type, attachments, nsp, id, data]) =>
          `${type}${attachments}${nsp}${id}${JSON.stringify(data) ?? ""}`,
      ),
    fc
      .tuple(
        fc.oneof(
          fc.constantFrom("error", "disconnect", "disconnecting", "connect", "newListener", "removeListener"),
          fc.constantFrom("__proto__", "constructor", "toString", "hasOwnProperty", "send_message"),
          fc.string(),
        ),
        fc.array(weird, { maxLength: 3 }),
        fc.oneof(fc.constant(""), fc.nat().map(String)),
      )
      .map(([name, args, id]) => `2${id}${JSON.stringify([name, ...args])}`),
  )
  .filter((p) => !/^[01]/.test(p) && Buffer.byteLength(p) < 60_000)
