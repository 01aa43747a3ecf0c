/**
 * Finding and hiding the password in URL-shaped text that may not parse: no `://`
 * (`postgresql:/u:pw@h`), no scheme (`u:pw@h/db`), a bare `user:pass@host`, a password
 * in the query (`?password=…`). Every `UrlError` is built through these, so no message,
 * field, JSON form or stack of one can carry the password. Used by `src/Url.ts`.
 */

/** What replaces a password. */
export const MASK = "***"

/** A scheme and the slashes (or backslashes) after it, or leading slashes alone. */
const authorityPrefix = /^(?:[A-Za-z][A-Za-z0-9+.-]*:)?[/\\]+/

const queryPassword = /([?&;](?:password|passwd|pass|pwd)=)([^&;#]*)/gi

/**
 * The password of the user information, as written in `input`: after the first `:` of
 * what precedes the last `@` (the parser splits the same way), past a scheme and its
 * slashes when there are slashes. Without slashes, `postgresql:u:pw@h` is ambiguous
 * (user `postgresql`, password `u:pw`, or a scheme); the wider reading is taken, which
 * hides the password either way.
 */
const userinfoSecret = (input: string): { readonly start: number; readonly end: number } | undefined => {
  const at = input.lastIndexOf("@")
  if (at === -1) return undefined
  const head = input.slice(0, at)
  const start = authorityPrefix.exec(head)?.[0].length ?? 0
  const colon = head.indexOf(":", start)
  return colon === -1 ? undefined : { start: colon + 1, end: at }
}

/** Every password `input` carries, as written (percent-encoded or not). */
export const secretsOf = (input: string): ReadonlyArray<string> => {
  const secrets: Array<string> = []
  const info = userinfoSecret(input)
  if (info !== undefined) secrets.push(input.slice(info.start, info.end))
  for (const match of input.matchAll(queryPassword)) secrets.push(match[2]!)
  return secrets.filter((s) => s !== "")
}

/** The forms a secret may take in a message: raw, percent-decoded, re-encoded, `+` as space. */
const formsOf = (secret: string): ReadonlyArray<string> => {
  const forms = new Set([secret, secret.replace(/\+/g, " ")])
  for (const form of [...forms]) {
    try {
      const decoded = decodeURIComponent(form)
      forms.add(decoded)
      forms.add(encodeURIComponent(decoded))
    } catch {
      // Malformed percent-encoding: the raw form is what appears.
    }
  }
  return [...forms].filter((f) => f !== "").sort((a, b) => b.length - a.length)
}

/** `text` with every form of every secret replaced by the mask. */
export const scrub = (text: string, secrets: ReadonlyArray<string>): string => {
  let out = text
  for (const secret of secrets) {
    for (const form of formsOf(secret)) out = out.split(form).join(MASK)
  }
  return out
}

/**
 * `input` with its passwords masked: the user information's and the query's, then any
 * other occurrence of them (a password equal to the user name, say).
 */
export const maskUrl = (input: string, extraSecrets: ReadonlyArray<string> = []): string => {
  const info = userinfoSecret(input)
  let masked = info === undefined ? input : `${input.slice(0, info.start)}${MASK}${input.slice(info.end)}`
  masked = masked.replace(queryPassword, (_, key: string) => `${key}${MASK}`)
  return scrub(masked, [...secretsOf(input), ...extraSecrets])
}
