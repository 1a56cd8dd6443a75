/** The shell: routes, navigation, the reconnecting banner. */
import { useEffect } from "preact/hooks"
import { Home } from "./conversation/Home.tsx"
import { t } from "./core/i18n.ts"
import { boot } from "./core/live.ts"
import { followLink, match, navigate, path } from "./core/router.ts"
import { me, status } from "./core/state.ts"
import { Shell } from "./Shell.tsx"
import Admin from "./screens/Admin.tsx"
import { SignIn, SignUp } from "./screens/Auth.tsx"
import NewConversation from "./screens/NewConversation.tsx"
import Profile from "./screens/Profile.tsx"
import Search from "./screens/Search.tsx"

/** Routes open to anyone; the others need a session. */
const PUBLIC = ["/signin", "/signup", "/invite/:code"]

export function App() {
  useEffect(() => {
    boot()
  }, [])
  const current = path.value
  const user = me.value
  const isPublic = PUBLIC.some((p) => match(p, current))

  useEffect(() => {
    if (user === null && !isPublic) navigate(`/signin?next=${encodeURIComponent(current)}`, true)
    if (user && isPublic) navigate("/", true)
  }, [user, isPublic, current])

  if (user === undefined)
    return (
      <p class="boot" role="status">
        {status.value === "reconnecting" ? t("banner.reconnecting") : t("loading")}
      </p>
    )
  if (!user) {
    const invite = match("/invite/:code", current)
    if (invite) return <SignUp invite={invite.code} />
    if (match("/signup", current)) return <SignUp />
    return <SignIn />
  }
  return (
    <>
      {status.value === "reconnecting" && (
        <div class="banner" role="status">
          {t("banner.reconnecting")}
        </div>
      )}
      <Shell>{screen(current)}</Shell>
    </>
  )
}

function screen(current: string) {
  if (match("/", current)) return <Home />
  const c = match("/c/:id", current)
  if (c) return <Home conversationId={Number(c.id)} />
  if (match("/new", current)) return <NewConversation />
  if (match("/search", current)) return <Search />
  if (match("/profile", current)) return <Profile />
  if (match("/admin", current)) return <Admin />
  return (
    <main class="screen">
      <h1>{t("notfound.title")}</h1>
      <a href="/" onClick={followLink}>
        {t("notfound.back")}
      </a>
    </main>
  )
}
