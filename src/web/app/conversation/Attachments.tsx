/** What a message carries: images inline, audio and video with their controls, other files as links. */
import type { Attachment } from "../core/api.ts"
import { t } from "../core/i18n.ts"
import { safeUrl } from "./links.ts"

/** Same-origin paths only (the uploads' /api/uploads/<id>), so nothing is loaded from elsewhere. */
const local = (url: string) => (url.startsWith("/") && !url.startsWith("//") ? url : null)

export const formatSize = (bytes: number) =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 * 1024
      ? `${Math.round(bytes / 1024)} KB`
      : `${(bytes / 1048576).toFixed(1)} MB`

/** 65000 → "1:05". */
export const formatDuration = (ms: number) => {
  const seconds = Math.max(0, Math.round(ms / 1000))
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`
}

export function Attachments({ items }: { items: Attachment[] }) {
  return (
    <ul class="attachments">
      {items.map((a) => {
        const url = local(a.url)
        if (!url) return null
        let body: preact.JSX.Element
        if (a.mime.startsWith("image/"))
          body = (
            <a
              href={url}
              target="_blank"
              rel="noopener noreferrer"
              aria-label={t("msg.openImage", { name: a.name })}
            >
              <img src={url} alt={a.name} loading="lazy" />
            </a>
          )
        else if (a.mime.startsWith("audio/"))
          body = (
            <span class="voice">
              {/* biome-ignore lint/a11y/useMediaCaption: people's own recordings and files come with no captions */}
              <audio controls preload="metadata" src={url} aria-label={t("msg.voice")}>
                <a href={url}>{a.name}</a>
              </audio>
              {/* A recording made by MediaRecorder often tells the player no duration: the sender's is shown. */}
              {a.durationMs !== null && <span class="duration">{formatDuration(a.durationMs)}</span>}
            </span>
          )
        else if (a.mime.startsWith("video/"))
          body = (
            // biome-ignore lint/a11y/useMediaCaption: people's own recordings and files come with no captions
            <video controls preload="metadata" src={url} aria-label={a.name}>
              <a href={url}>{a.name}</a>
            </video>
          )
        else
          body = (
            <a href={url} download={a.name} aria-label={t("msg.download", { name: a.name })}>
              📄 {a.name} <span class="size">({formatSize(a.size)})</span>
            </a>
          )
        return (
          <li key={a.id} class="attachment">
            {body}
          </li>
        )
      })}
    </ul>
  )
}

/** The seed's audioUrl: played when it is on this server (the CSP allows nothing else), a link otherwise. */
export function SeedAudio({ url }: { url: string }) {
  const own = local(url) ?? (safeUrl(url)?.startsWith(`${location.origin}/`) ? url : null)
  // biome-ignore lint/a11y/useMediaCaption: people's own recordings come with no captions
  if (own) return <audio controls preload="metadata" src={own} aria-label={t("msg.voice")} />
  const href = safeUrl(url)
  return href ? (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {t("msg.voice")}
    </a>
  ) : null
}
