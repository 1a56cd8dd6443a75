/** Invites: create one (its link is shown once), list them with their state, revoke. */
import { useSignal } from "@preact/signals"
import { useEffect } from "preact/hooks"
import type { Invite } from "../../../../contract.ts"
import { http, messageOf } from "../../core/api.ts"
import { Field } from "../../core/Field.tsx"
import { formatTime, t } from "../../core/i18n.ts"
import { TableWrap } from "./TableWrap.tsx"

const LIFETIMES = ["1h", "24h", "7d", "30d"] as const

const lifetimeLabel = (l: string) =>
  l.endsWith("h") ? t("admin.hours", { n: l.slice(0, -1) }) : t("admin.days", { n: l.slice(0, -1) })

export function AdminInvites() {
  const invites = useSignal<Invite[]>([])
  const email = useSignal("")
  const uses = useSignal("1")
  const expiresIn = useSignal<string>("7d")
  const link = useSignal("")
  const error = useSignal("")

  const load = async () => {
    try {
      invites.value = await http.admin.invites.list()
    } catch (err) {
      error.value = messageOf(err)
    }
  }
  useEffect(() => {
    load()
  }, [])

  const create = async (e: Event) => {
    e.preventDefault()
    error.value = ""
    try {
      const created = await http.admin.invites.create({
        uses: Number(uses.value) || 1,
        expiresIn: expiresIn.value,
        ...(email.value.trim() ? { email: email.value.trim() } : {}),
      })
      link.value = `${location.origin}/invite/${encodeURIComponent(created.token)}`
      email.value = ""
      await load()
    } catch (err) {
      error.value = messageOf(err)
    }
  }
  const revoke = async (id: number) => {
    try {
      await http.admin.invites.revoke(id)
      await load()
    } catch (err) {
      error.value = messageOf(err)
    }
  }

  return (
    <section aria-labelledby="admin-invites-title">
      <h2 id="admin-invites-title">{t("admin.invites")}</h2>
      <form class="inline-form" onSubmit={create}>
        <Field label={t("admin.inviteEmail")} class="field" type="email" autocomplete="off" value={email} />
        <Field
          label={t("admin.inviteUses")}
          class="field narrow"
          type="number"
          min={1}
          max={10000}
          required
          value={uses}
        />
        <label class="field narrow">
          {t("admin.inviteExpires")}
          <select
            value={expiresIn.value}
            onChange={(e) => (expiresIn.value = (e.currentTarget as HTMLSelectElement).value)}
          >
            {LIFETIMES.map((l) => (
              <option key={l} value={l}>
                {lifetimeLabel(l)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{t("admin.createInvite")}</button>
      </form>
      {link.value && (
        <label class="field">
          {t("admin.inviteLink")}
          <input
            readOnly
            value={link.value}
            onFocus={(e) => (e.currentTarget as HTMLInputElement).select()}
          />
        </label>
      )}
      {error.value && (
        <p class="error" role="alert">
          {error.value}
        </p>
      )}
      {invites.value.length === 0 ? (
        <p class="muted">{t("admin.none")}</p>
      ) : (
        <TableWrap labelledBy="admin-invites-title">
          <table>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t("admin.email")}</th>
                <th scope="col">{t("admin.inviteUses")}</th>
                <th scope="col">{t("admin.expires")}</th>
                <th scope="col">{t("admin.status")}</th>
                <th scope="col">{t("admin.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {invites.value.map((i) => (
                <tr key={i.id}>
                  <th scope="row">{i.id}</th>
                  <td>{i.email ?? t("admin.anyone")}</td>
                  <td>
                    {i.uses} / {i.maxUses}
                  </td>
                  <td>
                    <time dateTime={i.expiresAt}>{formatTime(i.expiresAt, true)}</time>
                  </td>
                  <td>{t(`admin.status.${i.status}`)}</td>
                  <td>
                    {i.status === "active" && (
                      <button type="button" class="danger" onClick={() => revoke(i.id)}>
                        {t("admin.revoke", { id: i.id })}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  )
}
