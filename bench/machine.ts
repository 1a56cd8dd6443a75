// Facts about the machine a result was measured on, attached to every JSON line
// so figures from different machines are never compared blindly.
import os from "node:os"

export function machineFacts() {
  const cpus = os.cpus()
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model ?? "unknown",
    memoryGB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    bun: Bun.version,
    os: `${os.platform()} ${os.release()}`,
  }
}
