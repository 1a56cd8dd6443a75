// Latency histogram with log-spaced buckets (2% relative precision).
// Workers record hundreds of thousands of samples; shipping bucket counts
// instead of raw samples keeps the IPC payload small and merging trivial.

const FLOOR_MS = 0.001 // samples below 1 µs (or negative from clock jitter) land in bucket 0
const GROWTH = 1.02
const LOG_GROWTH = Math.log(GROWTH)

export type HistogramData = { buckets: [number, number][]; count: number; max: number; sum: number }

export class Histogram {
  private counts = new Map<number, number>()
  count = 0
  max = 0
  sum = 0

  record(ms: number): void {
    const v = Math.max(ms, FLOOR_MS)
    const bucket = Math.floor(Math.log(v / FLOOR_MS) / LOG_GROWTH)
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + 1)
    this.count++
    this.sum += v
    if (v > this.max) this.max = v
  }

  toData(): HistogramData {
    return { buckets: [...this.counts.entries()], count: this.count, max: this.max, sum: this.sum }
  }

  static fromData(parts: HistogramData[]): Histogram {
    const h = new Histogram()
    for (const part of parts) {
      for (const [bucket, n] of part.buckets) h.counts.set(bucket, (h.counts.get(bucket) ?? 0) + n)
      h.count += part.count
      h.sum += part.sum
      if (part.max > h.max) h.max = part.max
    }
    return h
  }

  /** Value at quantile q (0..1): geometric middle of the bucket holding it, capped at the true max. */
  quantile(q: number): number {
    if (this.count === 0) return Number.NaN
    const rank = Math.ceil(q * this.count)
    let seen = 0
    for (const bucket of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(bucket) ?? 0
      if (seen >= rank) return Math.min(FLOOR_MS * GROWTH ** (bucket + 0.5), this.max)
    }
    return this.max
  }

  summary(): LatencySummary {
    return {
      p50: round(this.quantile(0.5)),
      p95: round(this.quantile(0.95)),
      p99: round(this.quantile(0.99)),
      max: round(this.max),
      mean: round(this.count ? this.sum / this.count : Number.NaN),
      samples: this.count,
    }
  }
}

export type LatencySummary = {
  p50: number
  p95: number
  p99: number
  max: number
  mean: number
  samples: number
}

/** Exact summary for small sample sets (HTTP timings), where sorting is cheap. */
export function summarize(samples: number[]): LatencySummary {
  const s = [...samples].sort((a, b) => a - b)
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? Number.NaN
  const mean = s.length ? s.reduce((a, b) => a + b, 0) / s.length : Number.NaN
  return {
    p50: round(at(0.5)),
    p95: round(at(0.95)),
    p99: round(at(0.99)),
    max: round(at(1)),
    mean: round(mean),
    samples: s.length,
  }
}

export function round(v: number, digits = 3): number {
  if (!Number.isFinite(v)) return v
  const f = 10 ** digits
  return Math.round(v * f) / f
}
