/**
 * My profile (/profile): name, language, email, password, export, delete. Owned by the `web-extra` branch.
 * Props: none. Reads and sets `me` (core/state.ts); `setLang` (core/i18n.ts).
 */
import { t } from "../core/i18n.ts"

export default function Profile() {
  return (
    <main class="screen" aria-labelledby="profile-title">
      <h1 id="profile-title">{t("profile.title")}</h1>
    </main>
  )
}
