/** The accounts, as server admins see them: find, page, disable and enable. */
import { useSignal, useSignalEffect } from "@preact/signals"
import { useRef } from "preact/hooks"
import type { AdminUser } from "../../../../contract.ts"
import { http, messageOf } from "../../core/api.ts"
import { Field } from "../../core/Field.tsx"
import { formatTime, t } from "../../core/i18n.ts"
import { me } from "../../core/state.ts"
import { personName } from "../peopleSearch.ts"
import { TableWrap } from "./TableWrap.tsx"

export function AdminUsers() {
  const q = useSignal("")
  const users = useSignal<AdminUser[]>([])
  const nextAfter = useSignal<number | null>(null)
  const error = useSignal("")

  const latest = useRef(0)
  /**
   * Accounts changed here, each with the last list request sent before the change was answered: that
   * request's answer may have been read before the change, and must not undo it on the screen.
   */
  const changed = useRef(new Map<number, { user: AdminUser; ask: number }>())
  const load = async (after?: number) => {
    const ask = ++latest.current
    try {
      const page = await http.admin.users.list({ q: q.value.trim() || undefined, after, limit: 50 })
      // An answer to an earlier search that came late is dropped.
      if (ask !== latest.current) return
      const shown = page.users.map((u) => {
        const known = changed.current.get(u.id)
        return known && known.ask >= ask ? known.user : u
      })
      users.value = after ? [...users.value, ...shown] : shown
      nextAfter.value = page.nextAfter
      error.value = ""
    } catch (err) {
      error.value = messageOf(err)
    }
  }
  useSignalEffect(() => {
    q.value
    const timer = setTimeout(() => load(), 200)
    return () => clearTimeout(timer)
  })

  /** Runs a change to one account and shows the account as the server answers it. */
  const change = async (run: () => Promise<AdminUser>) => {
    try {
      const user = await run()
      changed.current.set(user.id, { user, ask: latest.current })
      users.value = users.value.map((u) => (u.id === user.id ? user : u))
      error.value = ""
    } catch (err) {
      error.value = messageOf(err)
    }
  }
  const { users: accounts } = http.admin
  const toggle = (u: AdminUser) =>
    change(() => (u.disabledAt ? accounts.enable(u.id) : accounts.disable(u.id)))
  const toggleAdmin = (u: AdminUser) =>
    change(() => (u.isAdmin ? accounts.revokeAdmin(u.id) : accounts.grantAdmin(u.id)))

  return (
    <section aria-labelledby="admin-users-title">
      <h2 id="admin-users-title">{t("admin.users")}</h2>
      <Field label={t("admin.find")} class="field" type="search" autocomplete="off" value={q} />
      {error.value && (
        <p class="error" role="alert">
          {error.value}
        </p>
      )}
      <TableWrap labelledBy="admin-users-title">
        <table>
          <thead>
            <tr>
              <th scope="col">{t("admin.name")}</th>
              <th scope="col">{t("admin.email")}</th>
              <th scope="col">{t("admin.role")}</th>
              <th scope="col">{t("admin.state")}</th>
              <th scope="col">{t("admin.created")}</th>
              <th scope="col">{t("admin.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {users.value.map((u) => {
              const name = personName(u)
              return (
                <tr key={u.id}>
                  <th scope="row">{u.displayName || `#${u.id}`}</th>
                  <td>{u.email}</td>
                  <td>{u.isAdmin ? t("admin.serverAdmin") : t("admin.member")}</td>
                  <td>{u.disabledAt ? t("admin.disabledState") : t("admin.enabled")}</td>
                  <td>
                    <time dateTime={u.createdAt}>{formatTime(u.createdAt, true)}</time>
                  </td>
                  <td>
                    {u.id !== me.value?.id && (
                      <span class="cell-actions">
                        <button type="button" onClick={() => toggleAdmin(u)}>
                          {u.isAdmin ? t("admin.revokeAdmin", { name }) : t("admin.grantAdmin", { name })}
                        </button>
                        <button type="button" class={u.disabledAt ? "" : "danger"} onClick={() => toggle(u)}>
                          {u.disabledAt ? t("admin.enable", { name }) : t("admin.disable", { name })}
                        </button>
                      </span>
                    )}
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </TableWrap>
      {nextAfter.value !== null && (
        <button type="button" onClick={() => load(nextAfter.value!)}>
          {t("admin.more")}
        </button>
      )}
    </section>
  )
}
