/**
 * Where log lines go: a file descriptor (stdout), written synchronously. A line that cannot be
 * written (a full disk, a closed pipe, a pipe that is not draining) is dropped and counted, never
 * thrown: a logger must not take the server down, nor, through a restart policy, into a loop.
 */
import { writeSync } from "node:fs"
import { Writable } from "node:stream"

/** A writable stream (as pino and pino-pretty want one) that drops what it cannot write. */
export class LogDestination extends Writable {
  /** Lines (or pieces of lines) dropped since start. */
  dropped = 0

  constructor(private readonly fd = 1) {
    super({ decodeStrings: false })
  }

  override _write(chunk: string | Buffer, _encoding: BufferEncoding, done: (err?: Error) => void): void {
    let data = typeof chunk === "string" ? Buffer.from(chunk) : chunk
    try {
      // A pipe may take part of a line; finish it or give up on it.
      while (data.length > 0) data = data.subarray(writeSync(this.fd, data))
    } catch {
      this.dropped++
    }
    done()
  }
}
