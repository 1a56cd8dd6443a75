/** The header every signed-in screen shares: navigation, theme, language, sign out. */
import type { ComponentChildren } from "preact"
import { http } from "./core/api.ts"
import { type Lang, lang, setLang, t } from "./core/i18n.ts"
import { Moon } from "./core/icons.tsx"
import { followLink, path } from "./core/router.ts"
import { signOut } from "./core/session.ts"
import { me } from "./core/state.ts"
import { theme, toggleTheme } from "./core/theme.ts"

/** Shows the language chosen and saves it to the profile, so that it follows the person to other browsers. */
function chooseLang(next: Lang): void {
  setLang(next)
  http.updateMe({ locale: next }).then(
    (user) => {
      if (me.value) me.value = user
    },
    () => {
      // Kept in this browser (localStorage) if the server could not be told.
    },
  )
}

export function Shell({ children }: { children: ComponentChildren }) {
  const current = path.value
  const item = (href: string, key: string) => (
    <li>
      <a
        href={href}
        onClick={followLink}
        aria-current={current === href || (href === "/" && current.startsWith("/c/")) ? "page" : undefined}
      >
        {t(key)}
      </a>
    </li>
  )
  return (
    <div class="shell">
      <header class="topbar">
        <a class="brand" href="/" onClick={followLink}>
          {t("app.name")}
        </a>
        <nav aria-label={t("nav.main")}>
          <ul>
            {item("/", "nav.conversations")}
            {item("/new", "nav.new")}
            {item("/search", "nav.search")}
            {item("/profile", "nav.profile")}
            {me.value?.isAdmin && item("/admin", "nav.admin")}
          </ul>
        </nav>
        <div class="tools">
          <button
            type="button"
            aria-pressed={theme.value === "dark"}
            aria-label={t("nav.theme")}
            onClick={toggleTheme}
          >
            <Moon />
          </button>
          <label class="lang">
            <span class="sr-only">{t("nav.language")}</span>
            <select
              value={lang.value}
              onChange={(e) => chooseLang((e.currentTarget as HTMLSelectElement).value as Lang)}
            >
              <option value="en" lang="en">
                EN
              </option>
              <option value="fr" lang="fr">
                FR
              </option>
            </select>
          </label>
          <button type="button" onClick={() => signOut()}>
            {t("nav.signout")}
          </button>
        </div>
      </header>
      {children}
    </div>
  )
}
