/**
 * Message search (/search?q=...). Owned by the `web-extra` branch.
 * Props: none. Reads `query` (core/router.ts) for `q`; `navigate(\`/c/${id}\`)` opens a result.
 */
import { t } from "../core/i18n.ts"

export default function Search() {
  return (
    <main class="screen" aria-labelledby="search-title">
      <h1 id="search-title">{t("search.title")}</h1>
    </main>
  )
}
