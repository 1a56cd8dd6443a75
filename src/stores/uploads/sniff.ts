/**
 * The type of a file from its first bytes (magic numbers), never from what the client says. A small
 * table for the types a chat carries, plus the executables and archives worth naming so that
 * UPLOAD_TYPES refuses them by name; anything else that is valid UTF-8 without NUL bytes is text.
 * (The `file-type` package knows hundreds of formats, but brings four dependencies for the dozen
 * that matter here.)
 */

/** How many leading bytes the sniffing looks at. */
export const SNIFF_BYTES = 4100

const ascii = (bytes: Uint8Array, at: number, text: string) => {
  if (bytes.length < at + text.length) return false
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false
  return true
}
const startsWith = (bytes: Uint8Array, ...values: number[]) =>
  bytes.length >= values.length && values.every((v, i) => bytes[i] === v)
const contains = (bytes: Uint8Array, text: string) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).includes(text, 0, "latin1")

/** ISO base media (MP4 and kin): the major brand says audio, still image or video. */
function isoMedia(bytes: Uint8Array): string {
  const brand = new TextDecoder("latin1").decode(bytes.subarray(8, 12))
  if (/^(avif|avis)$/.test(brand)) return "image/avif"
  if (/^(heic|heix|heim|heis|mif1|msf1)$/.test(brand)) return "image/heic"
  if (/^M4[ABP] ?$/.test(brand)) return "audio/mp4"
  if (brand === "qt  ") return "video/quicktime"
  if (brand.startsWith("3g")) return "video/3gpp"
  // A recorder's MP4 with only a sound track (Safari's MediaRecorder) names no audio brand.
  if (contains(bytes, "soun") && !contains(bytes, "vide")) return "audio/mp4"
  return "video/mp4"
}

/** Matroska and WebM: a video codec in the track headers makes it video, else audio (a recording). */
function ebml(bytes: Uint8Array): string {
  if (!contains(bytes, "webm")) return "video/x-matroska"
  return contains(bytes, "V_VP8") || contains(bytes, "V_VP9") || contains(bytes, "V_AV1")
    ? "video/webm"
    : "audio/webm"
}

/** MPEG audio without an ID3 tag: a frame sync, layer bits set. */
const mpegFrame = (b: Uint8Array) =>
  b.length >= 2 && b[0] === 0xff && (b[1]! & 0xe0) === 0xe0 && (b[1]! & 0x06) !== 0

/** The MIME type of known bytes, or undefined when no magic number matches. */
export function sniffMagic(b: Uint8Array): string | undefined {
  if (startsWith(b, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png"
  if (startsWith(b, 0xff, 0xd8, 0xff)) return "image/jpeg"
  if (ascii(b, 0, "GIF87a") || ascii(b, 0, "GIF89a")) return "image/gif"
  if (ascii(b, 0, "RIFF") && ascii(b, 8, "WEBP")) return "image/webp"
  if (ascii(b, 0, "RIFF") && ascii(b, 8, "WAVE")) return "audio/wav"
  if (ascii(b, 0, "RIFF") && ascii(b, 8, "AVI ")) return "video/x-msvideo"
  if (startsWith(b, 0x1a, 0x45, 0xdf, 0xa3)) return ebml(b)
  if (ascii(b, 0, "OggS") && b[4] === 0) return "audio/ogg"
  if (ascii(b, 0, "fLaC")) return "audio/flac"
  // ID3v2.2 to 2.4, so that a text beginning "ID3 " stays text.
  if ((ascii(b, 0, "ID3") && b[3]! >= 2 && b[3]! <= 4) || mpegFrame(b)) return "audio/mpeg"
  if (ascii(b, 4, "ftyp")) return isoMedia(b)
  if (ascii(b, 0, "%PDF-")) return "application/pdf"
  if (startsWith(b, 0x50, 0x4b) && (startsWith(b.subarray(2), 3, 4) || startsWith(b.subarray(2), 5, 6)))
    return "application/zip"
  if (startsWith(b, 0x1f, 0x8b)) return "application/gzip"
  if (startsWith(b, 0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c)) return "application/x-7z-compressed"
  if (ascii(b, 0, "Rar!\x1a\x07")) return "application/vnd.rar"
  if (ascii(b, 0, "BM") && b.length >= 14 && b[6] === 0 && b[7] === 0) return "image/bmp"
  if (startsWith(b, 0x49, 0x49, 0x2a, 0x00) || startsWith(b, 0x4d, 0x4d, 0x00, 0x2a)) return "image/tiff"
  // A DOS header is mostly zeros; a text beginning "MZ" has none.
  if (ascii(b, 0, "MZ") && b.subarray(2, 64).includes(0)) return "application/x-msdownload"
  if (startsWith(b, 0x7f, 0x45, 0x4c, 0x46)) return "application/x-executable"
  if (startsWith(b, 0xcf, 0xfa, 0xed, 0xfe) || startsWith(b, 0xca, 0xfe, 0xba, 0xbe))
    return "application/x-mach-binary"
  if (startsWith(b, 0x00, 0x61, 0x73, 0x6d)) return "application/wasm"
  return undefined
}

/**
 * Checks text chunk by chunk: valid UTF-8 (a character may straddle two chunks) without NUL bytes,
 * which no text file holds and most binary formats do.
 */
export function textChecker() {
  const decoder = new TextDecoder("utf-8", { fatal: true })
  let text = true
  return {
    push(chunk: Uint8Array): boolean {
      if (!text) return false
      try {
        decoder.decode(chunk, { stream: true })
        text = !chunk.includes(0)
      } catch {
        text = false
      }
      return text
    },
    /** True when everything pushed was text, and no character was left cut at the end. */
    end(): boolean {
      if (!text) return false
      try {
        decoder.decode()
        return true
      } catch {
        return false
      }
    },
  }
}
