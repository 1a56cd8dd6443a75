/**
 * t(key): the words of the interface in English and French. Each module registers its own
 * dictionary (`addWords`), so a screen brings its strings without touching anyone else's file.
 * The language comes from navigator.language, can be switched (`setLang`), and is remembered; once
 * signed in, the profile's `locale` wins (`applyLocale`), so a choice follows the person to any browser.
 */
import { signal } from "@preact/signals"

export type Lang = "en" | "fr"
export type Words = Record<string, string>

const dictionaries: Record<Lang, Words> = { en: {}, fr: {} }
const STORED = "causerie.lang"

const initialLang = (): Lang => {
  const stored = globalThis.localStorage?.getItem(STORED)
  if (stored === "en" || stored === "fr") return stored
  return globalThis.navigator?.language?.toLowerCase().startsWith("fr") ? "fr" : "en"
}

/** The language shown; reading it in a component re-renders that component when it changes. */
export const lang = signal<Lang>(initialLang())

export function setLang(next: Lang): void {
  lang.value = next
  localStorage.setItem(STORED, next)
  document.documentElement.lang = next
}

/** The language of a profile's `locale` (a language tag), when the interface has it. */
export const langOf = (locale: string | null | undefined): Lang | undefined => {
  const primary = locale?.toLowerCase().split("-")[0]
  return primary === "en" || primary === "fr" ? primary : undefined
}

/** Shows the profile's language, if it has one the interface speaks. */
export function applyLocale(locale: string | null | undefined): void {
  const chosen = langOf(locale)
  if (chosen && chosen !== lang.value) setLang(chosen)
}

/** Adds words; a key defined twice keeps the last definition. */
export function addWords(words: { en: Words; fr: Words }): void {
  Object.assign(dictionaries.en, words.en)
  Object.assign(dictionaries.fr, words.fr)
}

/** The text for `key` in the current language (English, then the key itself, when missing); `{name}` is filled from `vars`. */
export function t(key: string, vars?: Record<string, string | number>): string {
  const text = dictionaries[lang.value][key] ?? dictionaries.en[key] ?? key
  return vars ? text.replace(/\{(\w+)\}/g, (all, name: string) => String(vars[name] ?? all)) : text
}

/** A date and time as the current language writes them. */
export const formatTime = (iso: string, withDate = false): string =>
  new Date(iso).toLocaleString(lang.value, {
    hour: "2-digit",
    minute: "2-digit",
    ...(withDate ? { day: "numeric", month: "short" } : {}),
  })
