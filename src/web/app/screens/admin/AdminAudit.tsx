/** The audit log, newest first, a page at a time, filtered by action. */
import { useSignal, useSignalEffect } from "@preact/signals"
import { useRef } from "preact/hooks"
import type { AuditEvent } from "../../../../contract.ts"
import { AUDIT_ACTIONS, type AuditAction } from "../../../../schemas/auditActions.ts"
import { http, messageOf } from "../../core/api.ts"
import { formatTime, t } from "../../core/i18n.ts"
import { TableWrap } from "./TableWrap.tsx"

const ACTIONS = Object.keys(AUDIT_ACTIONS) as AuditAction[]

export function AdminAudit() {
  const action = useSignal<AuditAction | "">("")
  const events = useSignal<AuditEvent[]>([])
  const nextBefore = useSignal<number | null>(null)
  const error = useSignal("")

  const latest = useRef(0)
  const load = async (before?: number) => {
    const ask = ++latest.current
    try {
      const page = await http.admin.audit({ action: action.value || undefined, before, limit: 50 })
      // An answer to an earlier filter (or page) that came late is dropped.
      if (ask !== latest.current) return
      events.value = before ? [...events.value, ...page.events] : page.events
      nextBefore.value = page.nextBefore
      error.value = ""
    } catch (err) {
      if (ask === latest.current) error.value = messageOf(err)
    }
  }
  useSignalEffect(() => {
    action.value
    load()
  })

  return (
    <section aria-labelledby="admin-audit-title">
      <h2 id="admin-audit-title">{t("admin.audit")}</h2>
      <label class="field narrow">
        {t("admin.action")}
        <select
          value={action.value}
          onChange={(e) => (action.value = (e.currentTarget as HTMLSelectElement).value as AuditAction | "")}
        >
          <option value="">{t("admin.allActions")}</option>
          {ACTIONS.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      </label>
      {error.value && (
        <p class="error" role="alert">
          {error.value}
        </p>
      )}
      {events.value.length === 0 ? (
        <p class="muted">{t("admin.none")}</p>
      ) : (
        <TableWrap labelledBy="admin-audit-title">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("admin.when")}</th>
                <th scope="col">{t("admin.actor")}</th>
                <th scope="col">{t("admin.action")}</th>
                <th scope="col">{t("admin.target")}</th>
                <th scope="col">{t("admin.address")}</th>
                <th scope="col">{t("admin.details")}</th>
              </tr>
            </thead>
            <tbody>
              {events.value.map((e) => (
                <tr key={e.id}>
                  <td>
                    <time dateTime={e.createdAt}>{formatTime(e.createdAt, true)}</time>
                  </td>
                  <td>{e.actorId === null ? t("admin.system") : `user:${e.actorId}`}</td>
                  <th scope="row">{e.action}</th>
                  <td>{e.target ?? ""}</td>
                  <td>{e.address ?? ""}</td>
                  <td>
                    <code>{Object.keys(e.details).length ? JSON.stringify(e.details) : ""}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {nextBefore.value !== null && (
        <button type="button" onClick={() => load(nextBefore.value!)}>
          {t("admin.older")}
        </button>
      )}
    </section>
  )
}
