/** A small tmpfs the test mounts (root only), to fill up and free again: a real full disk. */
import { spawnSync } from "node:child_process"
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

export interface SmallDisk {
  dir: string
  /** Fills every free byte with a filler file. */
  fill(): void
  /** Deletes the filler: the disk has room again. */
  free(): void
  unmount(): void
}

/** Mounts a tmpfs of `size` (such as "8m"), or returns why it cannot (not root, no mount). */
export function mountSmallDisk(size: string): SmallDisk | string {
  if (process.getuid?.() !== 0) return "not running as root: cannot mount a tmpfs"
  const dir = mkdtempSync(join(tmpdir(), "causerie-full-"))
  const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir])
  if (mounted.status !== 0) {
    rmSync(dir, { recursive: true, force: true })
    return `mount -t tmpfs failed: ${String(mounted.stderr).trim() || mounted.error}`
  }
  const filler = join(dir, "filler")
  return {
    dir,
    fill() {
      const fd = openSync(filler, "a")
      const block = Buffer.alloc(64 * 1024)
      try {
        for (;;) writeSync(fd, block)
      } catch {
        // ENOSPC: full. Fill the last partial block byte by byte-ish.
        try {
          for (;;) writeSync(fd, block.subarray(0, 512))
        } catch {}
      } finally {
        closeSync(fd)
      }
    },
    free() {
      rmSync(filler, { force: true })
    },
    unmount() {
      spawnSync("umount", ["-l", dir])
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
