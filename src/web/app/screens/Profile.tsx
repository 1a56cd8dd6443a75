/**
 * My profile (/profile): display name and language, email (with the password), password, my data as
 * a download, and signing out here or everywhere. Reads and sets `me` (core/state.ts).
 */
import { useSignal } from "@preact/signals"
import type { ComponentChildren } from "preact"
import { CauserieError, http, messageOf } from "../core/api.ts"
import { type Lang, lang, setLang, t } from "../core/i18n.ts"
import { renewingSession } from "../core/live.ts"
import { signOut } from "../core/session.ts"
import { me } from "../core/state.ts"
import "./extra.css"
import "./profileWords.ts"
import { Field, NewPasswordField, PasswordField } from "../core/Field.tsx"

/** One form's state: busy, its error (an alert) and its success note (a status). */
function useOutcome() {
  const busy = useSignal(false)
  const error = useSignal("")
  const done = useSignal("")
  const run = async (work: () => Promise<void>) => {
    busy.value = true
    error.value = ""
    done.value = ""
    try {
      await work()
      done.value = t("profile.saved")
    } catch (err) {
      error.value =
        err instanceof CauserieError && err.code === "UNAUTHORIZED"
          ? t("profile.wrongPassword")
          : messageOf(err)
    } finally {
      busy.value = false
    }
  }
  return { busy, error, done, run }
}

function Outcome({ outcome }: { outcome: ReturnType<typeof useOutcome> }) {
  return (
    <>
      {outcome.error.value && (
        <p class="error" role="alert">
          {outcome.error.value}
        </p>
      )}
      <p class="ok" role="status">
        {outcome.done.value}
      </p>
    </>
  )
}

function Section({ id, title, children }: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section class="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  )
}

export default function Profile() {
  const user = me.value
  const name = useSignal(user?.displayName ?? "")
  const language = useSignal<Lang>(user?.locale?.toLowerCase().startsWith("fr") ? "fr" : lang.value)
  const email = useSignal("")
  const emailPassword = useSignal("")
  const currentPassword = useSignal("")
  const newPassword = useSignal("")
  const about = useOutcome()
  const mail = useOutcome()
  const pass = useOutcome()
  const everywhere = useOutcome()
  if (!user) return null

  return (
    <main class="screen profile-screen" aria-labelledby="profile-title">
      <h1 id="profile-title">{t("profile.title")}</h1>

      <Section id="profile-about" title={t("profile.about")}>
        <form
          onSubmit={(e) => {
            e.preventDefault()
            about.run(async () => {
              me.value = await http.updateMe({
                displayName: name.value.trim() || null,
                locale: language.value,
              })
              setLang(language.value)
            })
          }}
        >
          <Field class="field" label={t("profile.name")} autocomplete="name" maxLength={100} value={name} />
          <label class="field">
            {t("profile.language")}
            <select
              value={language.value}
              onChange={(e) => (language.value = (e.currentTarget as HTMLSelectElement).value as Lang)}
            >
              <option value="en">English</option>
              <option value="fr">Français</option>
            </select>
          </label>
          <button type="submit" disabled={about.busy.value}>
            {t("profile.save")}
          </button>
          <Outcome outcome={about} />
        </form>
      </Section>

      <Section id="profile-email" title={t("profile.emailTitle")}>
        <p>{t("profile.current", { email: user.email })}</p>
        <form
          onSubmit={(e) => {
            e.preventDefault()
            mail.run(async () => {
              me.value = await http.updateMe({
                email: email.value.trim(),
                currentPassword: emailPassword.value,
              })
              email.value = ""
              emailPassword.value = ""
            })
          }}
        >
          <Field
            class="field"
            label={t("profile.newEmail")}
            type="email"
            required
            autocomplete="email"
            value={email}
          />
          <PasswordField label={t("profile.password")} class="field" value={emailPassword} />
          <button type="submit" disabled={mail.busy.value}>
            {t("profile.changeEmail")}
          </button>
          <Outcome outcome={mail} />
        </form>
      </Section>

      <Section id="profile-password" title={t("profile.passwordTitle")}>
        <form
          onSubmit={(e) => {
            e.preventDefault()
            pass.run(async () => {
              const session = await renewingSession(
                http.changePassword({
                  currentPassword: currentPassword.value,
                  newPassword: newPassword.value,
                }),
              )
              me.value = session.user
              currentPassword.value = ""
              newPassword.value = ""
            })
          }}
        >
          <PasswordField label={t("profile.password")} class="field" value={currentPassword} />
          <NewPasswordField label={t("profile.newPassword")} class="field" value={newPassword} />
          <button type="submit" disabled={pass.busy.value}>
            {t("profile.changePassword")}
          </button>
          <Outcome outcome={pass} />
        </form>
      </Section>

      <Section id="profile-data" title={t("profile.data")}>
        <a href="/api/me/export" download="causerie-export.json">
          {t("profile.export")}
        </a>
      </Section>

      <Section id="profile-sessions" title={t("profile.sessions")}>
        <div class="button-row">
          <button type="button" onClick={() => signOut()}>
            {t("profile.signout")}
          </button>
          <button
            type="button"
            class="danger"
            aria-describedby="profile-signout-all-hint"
            disabled={everywhere.busy.value}
            onClick={() =>
              everywhere.run(async () => {
                await http.logoutAll()
                await signOut()
              })
            }
          >
            {t("profile.signoutAll")}
          </button>
        </div>
        <p id="profile-signout-all-hint" class="hint">
          {t("profile.signoutAllHint")}
        </p>
        <Outcome outcome={everywhere} />
      </Section>
    </main>
  )
}
