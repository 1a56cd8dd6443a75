/**
 * Sign in (/signin), sign up (/signup) and invite links (/invite/:code, which sign up with the
 * invite's token). Whether registration is open, by invite or closed is the server's to say
 * (GET /api/auth/registration): the invite code is asked for only when needed, and a closed server says
 * so instead of a form; a refusal (403 with the reason) is still shown as it comes.
 */
import { useSignal } from "@preact/signals"
import { useEffect } from "preact/hooks"
import type { RegistrationInfo } from "../../../contract.ts"
import { CauserieError, http, messageOf } from "../core/api.ts"
import { Field, NewPasswordField, PasswordField } from "../core/Field.tsx"
import { addWords, t } from "../core/i18n.ts"
import { followLink, navigate, query } from "../core/router.ts"
import { signIn, signUp } from "../core/session.ts"

addWords({
  en: {
    "auth.signin": "Sign in",
    "auth.signup": "Sign up",
    "auth.email": "Email",
    "auth.password": "Password",
    "auth.name": "Display name",
    "auth.invite": "Invite code",
    "auth.noAccount": "No account yet?",
    "auth.haveAccount": "Already have an account?",
    "auth.invited": "You were invited to Causerie: choose your account.",
    "auth.passwordHint": "At least 8 characters.",
    "auth.wrong": "Wrong email or password.",
    "auth.closed": "Registration is closed on this server: ask its administrator for an account.",
  },
  fr: {
    "auth.signin": "Se connecter",
    "auth.signup": "Créer un compte",
    "auth.email": "Adresse e-mail",
    "auth.password": "Mot de passe",
    "auth.name": "Nom affiché",
    "auth.invite": "Code d’invitation",
    "auth.noAccount": "Pas encore de compte ?",
    "auth.haveAccount": "Déjà un compte ?",
    "auth.invited": "Vous êtes invité sur Causerie : créez votre compte.",
    "auth.passwordHint": "Au moins 8 caractères.",
    "auth.wrong": "Adresse ou mot de passe incorrect.",
    "auth.closed": "Les inscriptions sont fermées sur ce serveur : demandez un compte à son administrateur.",
  },
})

/** Where to go once signed in: the page asked for (a path on this site only), or the list. */
const next = () => {
  const wanted = query.value.get("next")
  return wanted?.startsWith("/") && !wanted.startsWith("//") ? wanted : "/"
}

export function SignIn() {
  const email = useSignal("")
  const password = useSignal("")
  const error = useSignal("")
  const busy = useSignal(false)
  const submit = async (e: Event) => {
    e.preventDefault()
    busy.value = true
    error.value = ""
    try {
      await signIn(email.value, password.value)
      navigate(next(), true)
    } catch (err) {
      error.value =
        err instanceof CauserieError && err.code === "UNAUTHORIZED" ? t("auth.wrong") : messageOf(err)
    } finally {
      busy.value = false
    }
  }
  return (
    <main class="auth" aria-labelledby="auth-title">
      <h1 id="auth-title">{t("auth.signin")}</h1>
      <form onSubmit={submit}>
        <Field label={t("auth.email")} type="email" autocomplete="username" required value={email} />
        <PasswordField label={t("auth.password")} value={password} />
        {error.value && (
          <p class="error" role="alert">
            {error.value}
          </p>
        )}
        <button type="submit" disabled={busy.value}>
          {t("auth.signin")}
        </button>
      </form>
      <p>
        {t("auth.noAccount")}{" "}
        <a href="/signup" onClick={followLink}>
          {t("auth.signup")}
        </a>
      </p>
    </main>
  )
}

export function SignUp({ invite }: { invite?: string }) {
  const email = useSignal("")
  const password = useSignal("")
  const name = useSignal("")
  const code = useSignal(invite ?? "")
  const error = useSignal("")
  const busy = useSignal(false)
  // Unknown until the server answers (or if it cannot): the form as before, the invite code optional.
  const mode = useSignal<RegistrationInfo["mode"] | undefined>(undefined)
  useEffect(() => {
    http.registration().then(
      (info) => {
        mode.value = info.mode
      },
      () => {},
    )
  }, [])
  const submit = async (e: Event) => {
    e.preventDefault()
    busy.value = true
    error.value = ""
    try {
      await signUp({
        email: email.value,
        password: password.value,
        ...(name.value.trim() ? { displayName: name.value.trim() } : {}),
        ...(code.value.trim() ? { inviteToken: code.value.trim() } : {}),
      })
      navigate("/", true)
    } catch (err) {
      error.value = messageOf(err)
    } finally {
      busy.value = false
    }
  }
  return (
    <main class="auth" aria-labelledby="auth-title">
      <h1 id="auth-title">{t("auth.signup")}</h1>
      {mode.value === "closed" ? (
        <p class="error" role="status">
          {t("auth.closed")}
        </p>
      ) : (
        <>
          {invite && <p>{t("auth.invited")}</p>}
          <form onSubmit={submit}>
            <Field label={t("auth.name")} autocomplete="name" maxLength={100} value={name} />
            <Field label={t("auth.email")} type="email" autocomplete="email" required value={email} />
            <NewPasswordField label={t("auth.password")} aria-describedby="password-hint" value={password} />
            <p id="password-hint" class="hint">
              {t("auth.passwordHint")}
            </p>
            {!invite && mode.value !== "open" && (
              <Field
                label={t("auth.invite")}
                autocomplete="off"
                required={mode.value === "invite"}
                value={code}
              />
            )}
            {error.value && (
              <p class="error" role="alert">
                {error.value}
              </p>
            )}
            <button type="submit" disabled={busy.value}>
              {t("auth.signup")}
            </button>
          </form>
        </>
      )}
      <p>
        {t("auth.haveAccount")}{" "}
        <a href="/signin" onClick={followLink}>
          {t("auth.signin")}
        </a>
      </p>
    </main>
  )
}
