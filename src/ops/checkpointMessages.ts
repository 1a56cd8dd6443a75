/** What the server and its WAL checkpointer thread say to each other. */

export type CheckpointerOrder =
  | { type: "open"; url: string; everyMs: number }
  | { type: "wrote" }
  | { type: "close" }

export type CheckpointerMessage =
  | { type: "ready" }
  | { type: "checkpointed"; log: number; checkpointed: number; seconds: number }
  | { type: "failed"; message: string }
  | { type: "closed" }
