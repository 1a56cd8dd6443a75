/**
 * Signing in, up and out. Signing out in one tab signs out the others (a BroadcastChannel message;
 * the server has revoked the token the cookie carried, so they could do nothing anyway).
 */
import type { RegisterBody } from "../../../contract.ts"
import { http } from "./api.ts"
import { endSession, startSession } from "./live.ts"
import { navigate } from "./router.ts"

const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel("causerie.session") : null

channel?.addEventListener("message", (event: MessageEvent) => {
  if (event.data === "signed-out") {
    endSession()
    navigate("/signin", true)
  } else if (event.data === "signed-in") location.reload()
})

export async function signIn(email: string, password: string): Promise<void> {
  const { user } = await http.login({ email, password })
  startSession(user)
  channel?.postMessage("signed-in")
}

export async function signUp(body: RegisterBody): Promise<void> {
  const { user } = await http.register(body)
  startSession(user)
  channel?.postMessage("signed-in")
}

/** Signs out here and in every other tab of this browser. */
export async function signOut(): Promise<void> {
  try {
    await http.logout()
  } catch {
    // Signed out locally even if the server could not be told (offline): the cookie is HttpOnly.
  }
  endSession()
  channel?.postMessage("signed-out")
  navigate("/signin", true)
}
