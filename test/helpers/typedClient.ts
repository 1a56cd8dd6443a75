/** Accounts and connections made with the typed client (causerie/client), closed after each test. */
import { afterEach } from "bun:test"
import { type CauserieClient, createHttp } from "causerie/client"

let counter = 0

/** `account(name)` registers a new user on `url()`; `track(client)` closes it after the test. */
export function useTypedClients(url: () => string) {
  const open: CauserieClient[] = []
  afterEach(() => {
    for (const c of open.splice(0)) c.close()
  })
  return {
    async account(name: string) {
      const http = createHttp({ url: url() })
      const session = await http.register({
        email: `${name}.${process.pid}.${++counter}@example.test`,
        password: "correct horse battery",
        displayName: name,
      })
      return { http, session }
    },
    track<T extends CauserieClient>(client: T): T {
      open.push(client)
      return client
    },
  }
}
