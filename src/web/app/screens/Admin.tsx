/**
 * The server admin's page (/admin?tab=users|invites|audit): accounts (find, disable, enable), invites
 * (create, list, revoke) and the audit log. Others see a refusal: the server checks anyway.
 */

import { t } from "../core/i18n.ts"
import { followLink, query } from "../core/router.ts"
import { me } from "../core/state.ts"
import { AdminAudit } from "./admin/AdminAudit.tsx"
import { AdminInvites } from "./admin/AdminInvites.tsx"
import { AdminUsers } from "./admin/AdminUsers.tsx"
import "./admin/words.ts"
import "./extra.css"

const TABS = ["users", "invites", "audit"] as const
type Tab = (typeof TABS)[number]

export default function Admin() {
  const wanted = query.value.get("tab")
  const tab: Tab = TABS.includes(wanted as Tab) ? (wanted as Tab) : "users"
  return (
    <main class="screen admin-screen" aria-labelledby="admin-title">
      <h1 id="admin-title">{t("admin.title")}</h1>
      {!me.value?.isAdmin ? (
        <p role="alert">{t("admin.only")}</p>
      ) : (
        <>
          <nav aria-label={t("admin.sections")} class="subnav">
            <ul>
              {TABS.map((name) => (
                <li key={name}>
                  <a
                    href={`/admin?tab=${name}`}
                    onClick={followLink}
                    aria-current={tab === name ? "page" : undefined}
                  >
                    {t(`admin.${name}`)}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          {tab === "users" && <AdminUsers />}
          {tab === "invites" && <AdminInvites />}
          {tab === "audit" && <AdminAudit />}
        </>
      )}
    </main>
  )
}
