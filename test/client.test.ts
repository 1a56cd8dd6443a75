/**
 * A whole conversation driven only through the typed client (causerie/client): accounts and
 * conversations over HTTP, then follow, send across a dropped connection, sync after an absence,
 * and read pointers over the socket.
 */
import { expect, test } from "bun:test"
import { CauserieError, type ChatEvent, connect, createHttp } from "causerie/client"
import { useTypedClients } from "./helpers/typedClient.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { until } from "./helpers/wait.ts"

const h = useTestServer()
const { account, track } = useTypedClients(() => h.url)

/** A client whose stream is recorded; reconnects come quickly (the default waits up to 5 s). */
function client(token: string, cursors?: Record<string, number>) {
  const chat = connect({
    url: h.url,
    token,
    cursors,
    socket: { transports: ["websocket"], reconnectionDelay: 20, reconnectionDelayMax: 100 },
  })
  track(chat)
  const heard: ChatEvent[] = []
  chat.subscribe((e) => heard.push(e))
  return { chat, heard }
}

const messages = (heard: ChatEvent[]) =>
  heard.flatMap((e) =>
    e.type === "new_message" ? [{ text: e.data.message.text, seq: e.seq, replayed: e.replayed }] : [],
  )

test("register, create, follow, send across a dropped connection, sync after an absence, read pointers", async () => {
  const [alice, bob] = await Promise.all([account("alice"), account("bob")])
  const conversation = await alice.http.conversations.create({
    title: "typed",
    participantIds: [bob.session.user.id],
  })
  const a = client(alice.session.token)
  const b = client(bob.session.token)
  await Promise.all([a.chat.follow(conversation.id), b.chat.follow(conversation.id)])
  // Creating the group stored bob's arrival as seq 1: following from 0 replays it.
  expect(b.heard.find((e) => e.type === "participant_added")).toMatchObject({ seq: 1, replayed: true })
  expect(b.heard.at(-1)).toMatchObject({ type: "synced", conversationId: conversation.id })

  // The message is stored, then alice's connection drops before the acknowledgement leaves.
  const aliceSocket = [...h.server.io.of("/").sockets.values()].find(
    (s) => s.data.user.id === alice.session.user.id,
  )!
  const off = h.server.services.bus.on("message_created", (m) => {
    if (m.sender.id !== alice.session.user.id) return
    off()
    aliceSocket.disconnect(true)
  })
  const sent = await a.chat.send(conversation.id, { text: "across a drop" })
  // The client sent it again on the new connection, with the same id: the server answered the stored one.
  expect(sent).toMatchObject({ duplicate: true, message: { text: "across a drop", seq: 2 } })
  expect(sent.message.clientMessageId).toMatch(/^[0-9a-f-]{32,36}$/)
  expect(h.query("SELECT count(*) AS n FROM messages WHERE conversation_id = ?", conversation.id)).toEqual([
    { n: 1 },
  ])
  await until(() => messages(b.heard).length === 1, 5000, "bob hears the message")
  expect(messages(b.heard)).toEqual([{ text: "across a drop", seq: 2, replayed: false }])
  // Alice's own stream has it once, whether heard live before the drop or replayed by the catch-up after it.
  await until(() => messages(a.heard).length === 1, 5000, "alice's stream")
  expect(messages(a.heard).map((m) => m.seq)).toEqual([2])

  // Bob goes away with his cursors; three messages later he comes back and catches up.
  const cursors = b.chat.cursors()
  expect(cursors).toEqual({ [conversation.id]: 2 })
  b.chat.close()
  for (const text of ["one", "two", "three"]) await a.chat.send(conversation.id, { text })
  const back = client(bob.session.token, cursors)
  await until(() => back.heard.some((e) => e.type === "synced"), 5000, "bob's sync")
  expect(messages(back.heard)).toEqual([
    { text: "one", seq: 3, replayed: true },
    { text: "two", seq: 4, replayed: true },
    { text: "three", seq: 5, replayed: true },
  ])
  const synced = back.heard.find((e) => e.type === "synced")
  expect(synced).toMatchObject({ page: { lastSeq: 5, readSeq: 0, unreadCount: 4, hasMore: false } })

  // Bob reads up to what he holds: alice hears it, and the HTTP list agrees.
  const aliceHears = until(
    () =>
      a.heard.some(
        (e) => e.type === "read_up_to" && e.data.userId === bob.session.user.id && e.data.seq === 5,
      ),
    5000,
    "alice hears read_up_to",
  )
  expect(await back.chat.markRead(conversation.id)).toEqual({
    conversationId: conversation.id,
    readSeq: 5,
    unreadCount: 0,
  })
  await aliceHears
  const [summary] = await bob.http.conversations.list()
  expect(summary).toMatchObject({ id: conversation.id, lastSeq: 5, readSeq: 5, unreadCount: 0 })
  const page = await bob.http.conversations.history(conversation.id, { limit: 2 })
  expect(page.messages.map((m) => m.text)).toEqual(["three", "two"])
  expect((await bob.http.conversations.events(conversation.id, { after: 4 })).events).toHaveLength(1)
})

test("refusals reject with a typed CauserieError: code, field, status; a refused handshake too", async () => {
  const [alice, bob] = await Promise.all([account("alice"), account("bob")])
  const taken = await createHttp({ url: h.url })
    .register({ email: alice.session.user.email, password: "correct horse battery" })
    .catch((e) => e)
  expect(taken).toBeInstanceOf(CauserieError)
  expect(taken).toMatchObject({ code: "CONFLICT", status: 409 })

  const conversation = await alice.http.conversations.create({ participantIds: [] })
  const b = client(bob.session.token)
  const refused = await b.chat.send(conversation.id, { text: "not mine" }).catch((e) => e)
  expect(refused).toMatchObject({ name: "CauserieError", code: "FORBIDDEN" })
  const invalid = await b.chat
    .request("mark_read", { conversationId: conversation.id, seq: -1 })
    .catch((e) => e)
  expect(invalid).toMatchObject({ code: "BAD_REQUEST", field: "seq" })
  // Following twice at once replays each event once.
  const a = client(alice.session.token)
  await a.chat.send(conversation.id, { text: "once" })
  await Promise.all([a.chat.follow(conversation.id), a.chat.follow(conversation.id)])
  expect(messages(a.heard)).toEqual([{ text: "once", seq: 1, replayed: true }])

  const stranger = client("not-a-token")
  expect(await stranger.chat.ready().catch((e) => e)).toMatchObject({ code: "UNAUTHORIZED" })
})

test("files and mute through the client: upload, send with attachments, the mute heard on another device", async () => {
  const [alice, bob] = await Promise.all([account("alice"), account("bob")])
  const conversation = await alice.http.conversations.create({ participantIds: [bob.session.user.id] })
  const file = await alice.http.upload(new Blob(["minutes of the meeting"]), "minutes.txt")
  expect(file).toMatchObject({ name: "minutes.txt", mime: "text/plain", size: 22 })
  const refused = await alice.http
    .upload(new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03]), "x.exe")
    .catch((e) => e)
  expect(refused).toMatchObject({ name: "CauserieError", code: "UNSUPPORTED_MEDIA_TYPE", status: 415 })

  const { chat, heard } = client(bob.session.token)
  await chat.follow(conversation.id)
  const sent = await alice.http.conversations.send(conversation.id, { attachments: [{ id: file.id }] })
  expect(sent.message.attachments).toEqual([file])
  await until(() =>
    heard.some((e) => e.type === "new_message" && e.data.message.attachments[0]?.id === file.id),
  )

  const until8 = new Date(Date.now() + 8 * 3600_000).toISOString()
  const phone = client(alice.session.token)
  await phone.chat.ready()
  expect(await alice.http.conversations.mute(conversation.id, until8)).toEqual({
    conversationId: conversation.id,
    mutedUntil: until8,
  })
  await until(() => phone.heard.some((e) => e.type === "conversation_muted" && e.data.mutedUntil === until8))
  expect((await alice.http.conversations.get(conversation.id)).mutedUntil).toBe(until8)
})
