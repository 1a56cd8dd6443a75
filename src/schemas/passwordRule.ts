/**
 * How long a password may be: the server's schema refuses others and the web client's forms say so
 * before sending. Its own module, free of zod, so that the client's bundle takes only these numbers.
 */
export const PASSWORD_LENGTH = { min: 8, max: 256 } as const
