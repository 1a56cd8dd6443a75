/**
 * The server admin's page (/admin): users, invites, audit log. Owned by the `web-extra` branch.
 * Props: none. Reads `me` (core/state.ts) and calls `http.admin` (core/api.ts).
 */
import { t } from "../core/i18n.ts"

export default function Admin() {
  return (
    <main class="screen" aria-labelledby="admin-title">
      <h1 id="admin-title">{t("admin.title")}</h1>
    </main>
  )
}
