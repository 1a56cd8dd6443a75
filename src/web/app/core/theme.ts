/**
 * Light and dark: the system's choice (prefers-color-scheme) unless the user picked one, which is
 * remembered. The choice is a class on <html>; the colours are CSS variables in style.css.
 */
import { signal } from "@preact/signals"

export type Theme = "light" | "dark"
const STORED = "causerie.theme"
const dark = matchMedia("(prefers-color-scheme: dark)")

const chosen = (): Theme | null => {
  const stored = localStorage.getItem(STORED)
  return stored === "light" || stored === "dark" ? stored : null
}

/** The theme in effect. */
export const theme = signal<Theme>(chosen() ?? (dark.matches ? "dark" : "light"))

const apply = () => {
  document.documentElement.classList.toggle("dark", theme.value === "dark")
  document.documentElement.classList.toggle("light", theme.value === "light")
}
apply()
dark.addEventListener("change", () => {
  if (chosen()) return
  theme.value = dark.matches ? "dark" : "light"
  apply()
})

export function toggleTheme(): void {
  theme.value = theme.value === "dark" ? "light" : "dark"
  localStorage.setItem(STORED, theme.value)
  apply()
}
