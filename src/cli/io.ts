/** The streams a command uses. */

/** Where a command reads and writes; the process's own streams in production. */
export interface CliIO {
  out(text: string): void
  err(text: string): void
  readStdin(): Promise<string>
  isTTY: boolean
}
