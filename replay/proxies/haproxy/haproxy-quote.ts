/**
 * The only way a string from a scenario reaches a generated haproxy.cfg (haproxy-config.ts).
 *
 * A scenario is input: a lane tag was written bare, so its spaces, quotes and braces rewrote
 * the rule it stood in (`' } use_backend b0_0 if TRUE { '` did) and a newline began a new line.
 * HAProxy reads a string at up to three levels, so there is one function per kind of position;
 * each refuses, with an Error naming the position, what it cannot write safely and exactly:
 * a control character other than tab (HTTP cannot carry it; CR, LF and NUL end a line or a
 * string), a lone UTF-16 surrogate (no UTF-8 for it), and "" (an empty word vanishes from
 * the line, shifting every word after it).
 *
 * The levels (HAProxy 2.6, checked against the binary):
 * 1. the config line: inside '…' nothing is special (no `\`, no `${VAR}`, no `#`), and a
 *    quote is written '\'' (close, escaped quote, reopen);
 * 2. sample fetch arguments, `req.cook(…)`: `,` and `)` end an argument unless it is in
 *    double quotes, where `\"` and `\\` are the escapes;
 * 3. log-format strings (`set-header` values): `%` starts a sample, `%%` is a literal `%`.
 * ACL patterns are literal after level 1, but one starting with `-` is read as a flag
 * (`-f file`, `-i`) unless `--` comes first.
 */

/** A config word read literally: always single-quoted. */
export function haproxyWord(s: string, what: string): string {
  return singleQuoted(checkText(s, what));
}

/** A log-format value (`http-request set-header`): bare when a plain word (`gray`), else `%` doubled and quoted. */
export function haproxyLogFormat(s: string, what: string): string {
  checkText(s, what);
  return PLAIN.test(s) ? s : singleQuoted(s.replace(/%/g, '%%'));
}

/** The sample fetch `fn` (fixed by the generator) with the one string argument `arg`: `req.cook('beta')`. */
export function haproxyFetch(fn: string, arg: string, what: string): string {
  checkText(arg, what);
  // The parsed argument must fit one buffer (tune.bufsize, 16384 by default); a margin below it.
  if (Buffer.byteLength(arg) > 16000) fail(what, arg, `is too long for HAProxy: ${Buffer.byteLength(arg)} bytes, a sample fetch argument must fit its 16384-byte buffer`);
  return `${fn}(${singleQuoted(PLAIN.test(arg) ? arg : `"${arg.replace(/[\\"]/g, '\\$&')}"`)})`;
}

/**
 * The patterns of an anonymous ACL (`{ … -m str <patterns> }`), `--` first when one would
 * read as a flag. A pattern that is just `}` is refused: HAProxy finds the end of `{ … }`
 * after removing quotes, so no quoting keeps it a pattern.
 */
export function haproxyPatterns(values: string[], what: string): string {
  const words = values.map((v) => haproxyWord(v, what));
  for (const v of values) if (v === '}') fail(what, v, "cannot be matched by HAProxy: a lone '}' ends the condition `{ … }` even when quoted");
  return `${values.some((v) => v.startsWith('-')) ? '-- ' : ''}${words.join(' ')}`;
}

/** A request header name for `req.fhdr(…)`: an RFC 9110 token, lower case (HAProxy compares names ignoring case). */
export function haproxyHeaderName(name: string, what: string): string {
  checkText(name, what);
  if (!TOKEN.test(name)) fail(what, name, 'is not an RFC 9110 token (a header name is letters, digits and !#$%&\'*+-.^_`|~ only)');
  // HTX stores a header name's length in 8 bits: HAProxy answers 400 to a longer one, so it could never match.
  if (name.length > 255) fail(what, name, `is too long for HAProxy: ${name.length} characters, it refuses request header names over 255`);
  return name.toLowerCase();
}

/**
 * `s` URL-encoded as load.ts sends a cookie or query name or value (encodeURIComponent):
 * refused on the same grounds as any other string, although encoding would hide a control
 * character, so a scenario means the same thing at every position.
 */
export function haproxyUrlEncoded(s: string, what: string): string {
  return encodeURIComponent(checkText(s, what));
}

/** A whole number (user ids, ports): typed as numbers, but a state built without the validator can hold anything. */
export function haproxyInteger(n: number, what: string): string {
  if (typeof n !== 'number') fail(what, String(n), `is a ${typeof n}, not a number`);
  if (!Number.isSafeInteger(n)) fail(what, String(n), 'is not a whole number');
  return String(n);
}

// ---- internals ----------------------------------------------------------------------------

/** Plain at every level (no quote, space, `%`, `,`, `(`, `)`, `#`, `$`): written bare or quoted only once. */
const PLAIN = /^[A-Za-z0-9_.-]+$/;

/** RFC 9110 `token` (1*tchar): what a header name may be. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function singleQuoted(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function checkText(s: string, what: string): string {
  if (typeof s !== 'string') fail(what, String(s), 'is not a string');
  if (s.length === 0) fail(what, s, 'is empty');
  // eslint-disable-next-line no-control-regex
  const ctl = /[\x00-\x08\x0a-\x1f\x7f]/.exec(s);
  if (ctl) fail(what, s, `contains the control character U+${ctl[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()} (CR, LF, NUL and other controls cannot be written into a HAProxy config or sent in HTTP)`);
  if (/\p{Cs}/u.test(s)) fail(what, s, 'contains a lone UTF-16 surrogate (not valid Unicode)');
  return s;
}

function fail(what: string, s: string, problem: string): never {
  const shown = JSON.stringify(s);
  throw new Error(`HAProxy config: ${what} ${shown.length > 80 ? `${shown.slice(0, 77)}…"` : shown} ${problem}`);
}
