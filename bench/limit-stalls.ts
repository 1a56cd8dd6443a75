// The ceilings' own event-loop stalls, served as the real server serves them (the same metric names
// and the same 10 ms timer, src/ops/loopStall.ts): the bench then reads them the same way, and a
// stall goal can be set beside what bare Socket.IO or Bun does on the same machine.
import { monitorLoopStalls } from "../src/ops/loopStall.ts"

/** Starts the timer; the returned function answers GET /metrics. */
export function serveStalls(): () => Response {
  let count = 0
  let upTo20ms = 0
  const stalls = monitorLoopStalls((seconds) => {
    count++
    if (seconds <= 0.02) upTo20ms++
  })
  return () =>
    new Response(
      [
        `causerie_event_loop_stall_seconds_bucket{le="0.02"} ${upTo20ms}`,
        `causerie_event_loop_stall_seconds_count ${count}`,
        `causerie_event_loop_max_stall_seconds ${stalls.takeMax()}`,
        "",
      ].join("\n"),
      { headers: { "content-type": "text/plain; version=0.0.4" } },
    )
}
