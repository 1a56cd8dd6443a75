/**
 * The composer: text (Enter sends, Shift+Enter for a new line), replies, edits, files and voice
 * messages. Every send goes through the outbox (core/outbox.ts), so nothing typed is lost offline.
 * Files and recordings are uploaded first (POST /api/uploads), then sent as the message's attachments.
 */
import { type Signal, useSignal } from "@preact/signals"
import { useEffect, useRef } from "preact/hooks"
import { type Attachment, CauserieError, messageOf, upload } from "../core/api.ts"
import { t } from "../core/i18n.ts"
import { Mic, Paperclip } from "../core/icons.tsx"
import { enqueue } from "../core/outbox.ts"
import { type ChatMessage, chat } from "../core/state.ts"

export interface ComposerProps {
  /** Arrow up in an empty composer edits my last message (the view finds it). */
  onEditLast: () => void
  conversationId: number
  replyTo: Signal<ChatMessage | null>
  /** The message being edited; whoever sets it also puts its text in `text`. */
  editing: Signal<ChatMessage | null>
  /** What is typed (the view fills it when an edit starts). */
  text: Signal<string>
  disabled: boolean
}

/** How often a lasting state is told again (the server forgets it after 6 s). */
const TYPING_REFRESH_MS = 3000

const nameOf = (m: ChatMessage) => m.sender.displayName || m.sender.email || t("someone")

/** A recording's file type, as this browser records (webm in Chromium and Firefox, mp4 in Safari). */
const recordingType = () =>
  ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/mp4"].find(
    (type) => typeof MediaRecorder !== "undefined" && MediaRecorder.isTypeSupported(type),
  ) ?? ""

export function Composer({ conversationId, replyTo, editing, text, disabled, onEditLast }: ComposerProps) {
  const status = useSignal("")
  const error = useSignal("")
  const recording = useSignal<{ started: number; seconds: number } | null>(null)
  const input = useRef<HTMLTextAreaElement>(null)
  const recorder = useRef<{ media: MediaRecorder; chunks: Blob[]; cancelled: boolean; timer: number } | null>(
    null,
  )
  const lastTyping = useRef<{ state: string; at: number }>({ state: "stopped", at: 0 })

  const tell = (state: "typing" | "recording" | "stopped") => {
    const now = Date.now()
    const last = lastTyping.current
    if (state === last.state && (state === "stopped" || now - last.at < TYPING_REFRESH_MS)) return
    lastTyping.current = { state, at: now }
    chat.value?.request("typing", { conversationId, state }).catch(() => {})
  }

  // A reply or an edit puts the focus in the composer; so does opening the conversation, on a wide
  // screen (on a phone it would pop the keyboard up over the messages), unless the focus has already
  // moved into the conversation (the participants panel opened before the conversation loaded).
  useEffect(() => {
    if (editing.value || replyTo.value) input.current?.focus()
  }, [editing.value, replyTo.value])
  useEffect(() => {
    if (disabled || !matchMedia("(min-width: 701px)").matches) return
    const focused = document.activeElement
    if (focused && focused !== document.body && input.current?.closest(".view")?.contains(focused)) return
    input.current?.focus()
  }, [disabled])
  useEffect(() => () => tell("stopped"), [])

  const cancel = () => {
    if (editing.value) text.value = ""
    editing.value = null
    replyTo.value = null
  }

  const submit = async (e?: Event) => {
    e?.preventDefault()
    const body = text.value.trim()
    if (!body || disabled) return
    error.value = ""
    const edited = editing.value
    if (edited) {
      try {
        await chat.value?.request("edit_message", { messageId: edited.id, text: body })
        editing.value = null
        text.value = ""
      } catch (err) {
        error.value = messageOf(err)
      }
      return
    }
    enqueue({ conversationId, text: body, replyToMessageId: replyTo.value?.id })
    text.value = ""
    replyTo.value = null
    tell("stopped")
    input.current?.focus()
  }

  const keyDown = (e: KeyboardEvent) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) submit(e)
    else if (e.key === "ArrowUp" && !text.value && !editing.value) {
      e.preventDefault()
      onEditLast()
    } else if (e.key === "Escape" && (editing.value || replyTo.value)) {
      e.preventDefault()
      cancel()
    }
  }

  /** Uploads then sends: the attachments go with the text typed so far and the reply, if any. */
  const sendFiles = async (files: { blob: Blob; name: string; durationMs?: number }[]) => {
    if (files.length > 10) {
      error.value = t("composer.tooMany")
      return
    }
    error.value = ""
    const attachments: Attachment[] = []
    try {
      for (const file of files) {
        status.value = t("composer.uploading", { name: file.name })
        attachments.push(await upload(file.blob, file.name, file.durationMs))
      }
    } catch (err) {
      const missing = err instanceof CauserieError && err.status === 404
      error.value = t("composer.uploadFailed", { error: missing ? t("composer.noUploads") : messageOf(err) })
      return
    } finally {
      status.value = ""
    }
    const caption = text.value.trim()
    enqueue({
      conversationId,
      attachments,
      ...(caption ? { text: caption } : {}),
      replyToMessageId: replyTo.value?.id,
    })
    text.value = ""
    replyTo.value = null
  }

  const pickFiles = (e: Event) => {
    const field = e.currentTarget as HTMLInputElement
    const files = [...(field.files ?? [])].map((file) => ({ blob: file, name: file.name }))
    field.value = ""
    if (files.length) sendFiles(files)
  }

  const startRecording = async () => {
    error.value = ""
    // Browsers give the microphone to secure pages only (https, or localhost).
    if (!navigator.mediaDevices) {
      error.value = t("composer.micFailed", { error: t("composer.needsHttps") })
      return
    }
    let stream: MediaStream
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true })
    } catch (err) {
      error.value = t("composer.micFailed", { error: messageOf(err) })
      return
    }
    const type = recordingType()
    const media = new MediaRecorder(stream, type ? { mimeType: type } : undefined)
    const started = Date.now()
    const state = {
      media,
      chunks: [] as Blob[],
      cancelled: false,
      timer: window.setInterval(() => {
        recording.value = { started, seconds: Math.floor((Date.now() - started) / 1000) }
        tell("recording")
      }, 1000),
    }
    recorder.current = state
    media.ondataavailable = (event) => {
      if (event.data.size) state.chunks.push(event.data)
    }
    media.onstop = () => {
      clearInterval(state.timer)
      for (const track of stream.getTracks()) track.stop()
      recording.value = null
      recorder.current = null
      tell("stopped")
      if (state.cancelled || !state.chunks.length) return
      const blob = new Blob(state.chunks, { type: media.mimeType || "audio/webm" })
      const extension = blob.type.includes("mp4") ? "m4a" : blob.type.includes("ogg") ? "ogg" : "webm"
      sendFiles([{ blob, name: `voice-message.${extension}`, durationMs: Date.now() - started }])
    }
    media.start(250)
    recording.value = { started, seconds: 0 }
    tell("recording")
  }

  const stopRecording = (cancelled: boolean) => {
    const state = recorder.current
    if (!state) return
    state.cancelled = cancelled
    state.media.stop()
  }
  useEffect(() => () => stopRecording(true), [])

  const reply = replyTo.value
  const edit = editing.value
  return (
    <form class="composer" onSubmit={submit}>
      {(reply || edit) && (
        <div class="composer-context">
          <span>{edit ? t("composer.editing") : t("composer.replying", { name: nameOf(reply!) })}</span>
          {reply && !edit && <span class="quote-text">{reply.text ?? t("msg.voice")}</span>}
          <button type="button" onClick={cancel}>
            {edit ? t("composer.cancelEdit") : t("composer.cancelReply")}
          </button>
        </div>
      )}
      {(status.value || error.value) && (
        <p class={error.value ? "error" : "hint"} role={error.value ? "alert" : "status"}>
          {error.value || status.value}
        </p>
      )}
      {recording.value ? (
        <div class="composer-row recording" role="status">
          <span class="dot-rec" aria-hidden="true" />
          <span>{t("composer.recording", { seconds: recording.value.seconds })}</span>
          <button type="button" onClick={() => stopRecording(true)}>
            {t("composer.cancelRecording")}
          </button>
          <button type="button" class="primary" onClick={() => stopRecording(false)}>
            {t("composer.stop")}
          </button>
        </div>
      ) : (
        <div class="composer-row">
          {!edit && (
            <label class="button file-button">
              <Paperclip />
              <input
                type="file"
                multiple
                class="sr-only"
                aria-label={t("composer.attach")}
                disabled={disabled}
                onChange={pickFiles}
              />
            </label>
          )}
          <label class="sr-only" for={`composer-${conversationId}`}>
            {t("composer.message")}
          </label>
          <textarea
            id={`composer-${conversationId}`}
            ref={input}
            // Grows with the lines typed, up to six (an attribute: the CSP allows no inline style).
            rows={Math.min(6, text.value.split("\n").length)}
            maxLength={4000}
            disabled={disabled}
            value={text.value}
            onInput={(e) => {
              text.value = (e.currentTarget as HTMLTextAreaElement).value
              tell(text.value.trim() ? "typing" : "stopped")
            }}
            onBlur={() => tell("stopped")}
            onPaste={(e) => {
              // A pasted image (a screenshot, say) is sent like an attached file.
              const files = [...(e.clipboardData?.files ?? [])]
              if (!files.length || editing.value) return
              e.preventDefault()
              sendFiles(files.map((file) => ({ blob: file, name: file.name || "pasted-image.png" })))
            }}
            onKeyDown={keyDown}
          />
          {!edit && typeof MediaRecorder !== "undefined" && (
            <button
              type="button"
              aria-label={t("composer.record")}
              disabled={disabled}
              onClick={startRecording}
            >
              <Mic />
            </button>
          )}
          <button type="submit" class="primary" disabled={disabled}>
            {edit ? t("composer.save") : t("composer.send")}
          </button>
        </div>
      )}
    </form>
  )
}
