/**
 * Attachments: uploads carried by messages sent over sockets and HTTP, in every shape a message
 * takes (new_message, history, sync, search, the data export); only one's own uploads; a voice
 * recording sent alone is the seed's audio message; files go once no message carries them.
 */
import { describe, expect, test } from "bun:test"
import { existsSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import type { Socket } from "socket.io-client"
import {
  api,
  connect,
  createConversation,
  join as joinRoom,
  signUpAll,
  type TestUser,
} from "./helpers/clients.ts"
import { download, ogg, png, uploaded } from "./helpers/uploads.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { waitFor } from "./helpers/wait.ts"

const h = useTestServer({ RATE_LIMIT_MESSAGES_PER_SECOND: "0" })

const emit = (s: Socket, event: string, payload: object) => s.timeout(5000).emitWithAck(event, payload)
const post = (user: TestUser, id: number, body: object) =>
  api(h, "POST", `/api/conversations/${id}/messages`, { auth: user, body })
const stored = (id: string) => existsSync(join(h.dir, "uploads", id))

/** ann and bob in a conversation, both joined on a socket. */
async function pair() {
  const [ann, bob, eve] = await signUpAll(h, ["ann", "bob", "eve"])
  const id = await createConversation(h, ann, [bob])
  const [a, b] = await Promise.all([connect(h, ann), connect(h, bob)])
  await Promise.all([joinRoom(a, id), joinRoom(b, id)])
  return { ann, bob, eve, id, a, b }
}

describe("sending", () => {
  test("over the socket: the other member hears the attachments in order; history, sync, search and export carry them", async () => {
    const { ann, bob, id, a, b } = await pair()
    const photo = await uploaded(h, ann, png(), "photo.png")
    const notes = await uploaded(h, ann, "meeting notes", "notes.txt")
    const [ack, heard] = await Promise.all([
      emit(a, "send_message", {
        conversationId: id,
        text: "holiday photos",
        attachments: [{ id: photo.id }, { id: notes.id, name: "ignored" }],
      }),
      waitFor(b, "new_message"),
    ])
    expect(ack.ok).toBe(true)
    expect(ack.message.attachments).toEqual([photo, notes])
    expect(heard.message.attachments).toEqual([
      {
        id: photo.id,
        name: "photo.png",
        mime: "image/png",
        size: photo.size,
        url: `/api/uploads/${photo.id}`,
        durationMs: null,
      },
      {
        id: notes.id,
        name: "notes.txt",
        mime: "text/plain",
        size: 13,
        url: `/api/uploads/${notes.id}`,
        durationMs: null,
      },
    ])
    expect(heard.message.audioUrl).toBeNull()

    const history = await api(h, "GET", `/api/conversations/${id}/messages`, { auth: bob })
    expect(history.body.messages[0].attachments).toEqual([photo, notes])
    const synced = await emit(b, "sync", { conversations: { [id]: 0 } })
    const event = synced.conversations[0].events.find(
      (e: any) => e.type === "new_message" && e.data.message.id === ack.message.id,
    )
    expect(event.data.message.attachments).toEqual([photo, notes])
    const found = await api(h, "GET", `/api/search?q=holiday`, { auth: bob })
    expect(found.body.results[0].message.attachments).toEqual([photo, notes])
    const list = await api(h, "GET", "/api/conversations", { auth: bob })
    expect(list.body.conversations[0].lastMessage.attachments).toEqual([photo, notes])
    const exported = await (
      await fetch(`${h.url}/api/me/export`, { headers: { authorization: `Bearer ${ann.token}` } })
    ).json()
    expect(exported.messages.at(-1).attachments).toEqual([photo, notes])
    // A message without any still says so.
    const plain = await post(ann, id, { text: "no files" })
    expect(plain.body.message.attachments).toEqual([])
  })

  test("over HTTP: 201 with the attachments, new_message to the room; an upload may be attached again (forwarded)", async () => {
    const { ann, id, b } = await pair()
    const photo = await uploaded(h, ann, png(), "photo.png")
    const [sent, heard] = await Promise.all([
      post(ann, id, { attachments: [{ id: photo.id }] }),
      waitFor(b, "new_message"),
    ])
    expect(sent.status).toBe(201)
    expect(sent.body.message).toMatchObject({ text: null, audioUrl: null, attachments: [photo] })
    expect(heard.message.attachments).toEqual([photo])
    const again = await post(ann, id, { text: "once more", attachments: [{ id: photo.id }] })
    expect(again.body.message.attachments).toEqual([photo])
  })

  test("someone else's upload, an unknown id, 11 attachments, the same one twice: BAD_REQUEST naming attachments, nothing stored", async () => {
    const { ann, bob, id, a } = await pair()
    const bobs = await uploaded(h, bob, png(), "bob.png")
    const mine = await uploaded(h, ann, png(), "ann.png")
    const count = () => h.query("select count(*) as n from messages where conversation_id = ?", id)
    const before = count()
    for (const attachments of [
      [{ id: bobs.id }],
      [{ id: mine.id }, { id: "AAAAAAAAAAAAAAAAAAAAAA" }],
      Array.from({ length: 11 }, () => ({ id: mine.id })),
      [{ id: mine.id }, { id: mine.id }],
      [{ id: "../../etc/passwd" }],
      [],
    ]) {
      const ack = await emit(a, "send_message", { conversationId: id, text: "x", attachments })
      expect(ack.error).toMatchObject({ code: "BAD_REQUEST", field: expect.stringMatching(/^attachments/) })
      const res = await post(ann, id, { text: "x", attachments })
      expect([res.status, res.body.error.field]).toEqual([400, expect.stringMatching(/^attachments/)])
    }
    expect(count()).toEqual(before)
    // Ten of one's own are fine.
    const ten = await Promise.all(
      Array.from({ length: 10 }, (_, i) => uploaded(h, ann, `file ${i}`, `${i}.txt`)),
    )
    const ok = await post(ann, id, { attachments: ten.map((u) => ({ id: u.id })) })
    expect(ok.body.message.attachments.map((x: any) => x.name)).toEqual(ten.map((u) => u.name))
  })

  test("a recording alone is stored as an audio message (audioUrl = its url) with its duration; with text it is not", async () => {
    const { ann, bob, id, b } = await pair()
    const voice = await uploaded(h, ann, ogg(), "voice.ogg", 3500)
    // bob may not attach ann's recording.
    const ack = await emit(b, "send_message", { conversationId: id, attachments: [{ id: voice.id }] })
    expect(ack.error).toMatchObject({ code: "BAD_REQUEST", field: "attachments" })
    const sent = await post(ann, id, { attachments: [{ id: voice.id }] })
    expect(sent.body.message).toMatchObject({
      text: null,
      audioUrl: voice.url,
      attachments: [{ ...voice, durationMs: 3500 }],
    })
    const history = await api(h, "GET", `/api/conversations/${id}/messages`, { auth: bob })
    expect(history.body.messages[0].audioUrl).toBe(voice.url)
    const said = await post(ann, id, { text: "listen", attachments: [{ id: voice.id }] })
    expect(said.body.message.audioUrl).toBeNull()
    const photoFirst = await uploaded(h, ann, png(), "p.png")
    const mixed = await post(ann, id, { attachments: [{ id: photoFirst.id }, { id: voice.id }] })
    expect(mixed.body.message.audioUrl).toBeNull()
  })
})

describe("removal", () => {
  test("deleting a message removes its file at once, unless another message still carries it", async () => {
    const { ann, bob, id, a } = await pair()
    const shared = await uploaded(h, ann, png(), "shared.png")
    const alone = await uploaded(h, ann, png(), "alone.png")
    const first = (await post(ann, id, { attachments: [{ id: shared.id }, { id: alone.id }] })).body.message
    const forwarded = (await post(ann, id, { text: "again", attachments: [{ id: shared.id }] })).body.message

    expect((await emit(a, "delete_message", { messageId: first.id })).ok).toBe(true)
    expect({ shared: stored(shared.id), alone: stored(alone.id) }).toEqual({ shared: true, alone: false })
    expect(h.query("select id from uploads where id in (?, ?)", shared.id, alone.id)).toEqual([
      { id: shared.id },
    ])
    expect((await download(h, bob, shared.url)).status).toBe(200)
    expect((await download(h, ann, alone.url)).status).toBe(404)
    const history = (await api(h, "GET", `/api/conversations/${id}/messages`, { auth: bob })).body.messages
    expect(history.map((m: any) => [m.id, m.attachments.map((x: any) => x.id)])).toEqual([
      [forwarded.id, [shared.id]],
      [first.id, []],
    ])

    const gone = await api(h, "DELETE", `/api/messages/${forwarded.id}`, { auth: ann })
    expect(gone.status).toBe(200)
    expect(stored(shared.id)).toBe(false)
    expect(h.query("select count(*) as n from uploads where id = ?", shared.id)).toEqual([{ n: 0 }])
    expect((await download(h, ann, shared.url)).status).toBe(404)
  })

  test("an upload never attached is swept after a day, as is a partial file; a younger one, or an attached one, stays", async () => {
    const { ann, id } = await pair()
    const [old, attached] = await Promise.all([
      uploaded(h, ann, png(), "old.png"),
      uploaded(h, ann, png(), "attached.png"),
    ])
    await post(ann, id, { attachments: [{ id: attached.id }] })
    // A file a killed process was receiving.
    const partial = join(h.dir, "uploads", ".partial", "left-behind.part")
    writeFileSync(partial, "half a file")
    const uploads = h.server.services.uploads
    await uploads.sweep()
    expect([stored(old.id), stored(attached.id), existsSync(partial)]).toEqual([true, true, true])
    await uploads.sweep(Date.now() + 25 * 60 * 60 * 1000)
    expect([stored(old.id), stored(attached.id), existsSync(partial)]).toEqual([false, true, false])
    expect(h.query("select id from uploads where id in (?, ?)", old.id, attached.id)).toEqual([
      { id: attached.id },
    ])
  })
})
