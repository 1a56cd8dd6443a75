/**
 * A reaction is one emoji, told apart by Unicode's own properties rather than a list of ours: any
 * RGI emoji (flags, keycaps, skin tones, ZWJ sequences), or one pictographic character, which is
 * stored in its emoji form (U+FE0F added when that makes it RGI) so "❤" and "❤️" count as one.
 */
import { z } from "zod"
import { clientString } from "./strings.ts"

const RGI = /^\p{RGI_Emoji}$/v
const PICTOGRAPHIC = /^\p{Extended_Pictographic}$/u

/** The emoji form of `s`, or undefined when it is not one emoji. */
export function asEmoji(s: string): string | undefined {
  if (RGI.test(s)) return s
  if (RGI.test(`${s}\uFE0F`)) return `${s}\uFE0F`
  return PICTOGRAPHIC.test(s) ? s : undefined
}

// The longest RGI sequences (families with skin tones) are about 35 UTF-16 units.
export const emoji = clientString(64, "expected one emoji").transform((s, ctx) => {
  const found = asEmoji(s)
  if (found === undefined) ctx.addIssue({ code: "custom", message: "expected one emoji" })
  return found ?? z.NEVER
})
