/**
 * The only way a string from a scenario reaches a generated nginx.conf (nginx-config.ts).
 *
 * A scenario is input. Written bare, a header name once closed its `map` block and opened
 * `server { listen 0.0.0.0:… }`. nginx reads a parameter differently by position, so there
 * is one function per kind of position; each refuses, with an Error naming the position,
 * what it cannot write safely and exactly:
 * - a control character other than tab (HTTP cannot carry it; CR, LF and NUL would end a
 *   line or a string somewhere on the way), a lone UTF-16 surrogate (no UTF-8 for it), "";
 * - a parameter longer than nginx reads (4096 bytes per parameter: NGX_CONF_BUFFER).
 *
 * Quoting rules (nginx 1.22, ngx_conf_read_token / ngx_http_script_compile): inside "…"
 * nginx turns `\"` `\'` `\\` `\t` `\r` `\n` into the character and keeps any other `\x` as
 * is; `;` `{` `}` `#` and spaces are plain characters. Where nginx compiles a value for
 * variables (map values), `$` always starts one and has no escape, so a literal `$` is
 * written as `${relsim_dollar}`, a variable whose value is "$" (NGINX_DOLLAR_DECLARATION;
 * a `geo` value is never compiled for variables). Map keys are never compiled for variables.
 */

/** Declares `$relsim_dollar` (= "$"); nginxValue relies on it, so the config must include it. */
export const NGINX_DOLLAR_DECLARATION = 'geo $relsim_dollar { default "$"; }';

/** ngx_conf_read_token refuses a parameter that does not fit its 4096-byte buffer; a margin below it. */
const MAX_PARAMETER_BYTES = 4000;

/** RFC 9110 `token` (1*tchar): what a header name may be. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** A literal parameter nginx does not compile for variables (paths, map keys of digits): always quoted. */
export function nginxString(s: string, what: string): string {
  return fit(`"${escapeQuoted(checkText(s, what))}"`, s, what);
}

/**
 * A map value (compiled for variables): bare when it is a plain word (`gray`, `u0_1`), else
 * quoted with every `$` made literal.
 */
export function nginxValue(s: string, what: string): string {
  checkText(s, what);
  if (/^[A-Za-z0-9_.-]+$/.test(s)) return fit(s, s, what);
  return fit(`"${escapeQuoted(s).replace(/\$/g, '${relsim_dollar}')}"`, s, what);
}

/**
 * A map key matching exactly `s`, case-sensitive (plain map keys ignore case, a key named
 * `default` / `include` / `hostnames` / `volatile` is a keyword, and one starting with `~`
 * or `\` is read as a regex or an escape: a regex key has none of these problems).
 */
export function nginxExactKey(s: string, what: string): string {
  return nginxRegexKey('^', s, '$', what);
}

/**
 * A regex map key: `before` and `after` are fixed regex text from the generator (no `"`, no
 * doubled backslash), `s` the literal between them.
 */
export function nginxRegexKey(before: string, s: string, after: string, what: string): string {
  return fit(`"~${before}${regexLiteral(checkText(s, what))}${after}"`, s, what);
}

/**
 * `$http_<name>` for a request header. The name must be an RFC 9110 token, and of those nginx
 * only reads letters, digits and `-`: it drops a header with any other character in its name
 * (ignore_invalid_headers; `_` needs underscores_in_headers, and `$http_x_a` would then read
 * both `x_a` and `x-a`).
 */
export function nginxHeaderVariable(name: string, what: string): string {
  checkText(name, what);
  if (!TOKEN.test(name)) fail(what, name, 'is not an RFC 9110 token (a header name is letters, digits and !#$%&\'*+-.^_`|~ only)');
  if (!/^[A-Za-z0-9-]+$/.test(name)) fail(what, name, "cannot be matched by nginx, which drops request headers whose name has characters other than letters, digits and '-'");
  return fit(`$http_${name.toLowerCase().replace(/-/g, '_')}`, name, what);
}

/**
 * `s` URL-encoded as load.ts sends a cookie or query name or value (encodeURIComponent), for
 * a regex key: refused on the same grounds as any other string, although encoding would
 * hide a control character, so a scenario means the same thing at every position.
 */
export function nginxUrlEncoded(s: string, what: string): string {
  return encodeURIComponent(checkText(s, what));
}

/** A whole number (user ids, ports): typed as numbers, but a state built without the validator can hold anything. */
export function nginxInteger(n: number, what: string): string {
  if (typeof n !== 'number') fail(what, String(n), `is a ${typeof n}, not a number`);
  if (!Number.isSafeInteger(n)) fail(what, String(n), 'is not a whole number');
  return String(n);
}

// ---- internals ----------------------------------------------------------------------------

function checkText(s: string, what: string): string {
  if (typeof s !== 'string') fail(what, String(s), 'is not a string');
  if (s.length === 0) fail(what, s, 'is empty');
  // eslint-disable-next-line no-control-regex
  const ctl = /[\x00-\x08\x0a-\x1f\x7f]/.exec(s);
  if (ctl) fail(what, s, `contains the control character U+${ctl[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()} (CR, LF, NUL and other controls cannot be written into an nginx config or sent in HTTP)`);
  if (/\p{Cs}/u.test(s)) fail(what, s, 'contains a lone UTF-16 surrogate (not valid Unicode)');
  return s;
}

/** Inside "…": a backslash doubled (so `\t`, `\n`… stay two characters), a quote escaped. */
function escapeQuoted(s: string): string {
  return s.replace(/[\\"]/g, '\\$&');
}

/**
 * `s` as a PCRE literal inside a quoted regex key, in one pass: a metacharacter as `\.`
 * (nginx keeps an unknown escape as is, PCRE reads a literal), a backslash as `\\\\` (nginx
 * unescapes it once, PCRE once more), a quote as `\"`. Other bytes (UTF-8 included; nginx's
 * PCRE matches bytes) are literal in a PCRE pattern without the x flag.
 */
function regexLiteral(s: string): string {
  let out = '';
  for (const ch of s) {
    if (ch === '\\') out += '\\\\\\\\';
    else if (ch === '"') out += '\\"';
    else if ('.*+?^$|()[]{}'.includes(ch)) out += `\\${ch}`;
    else out += ch;
  }
  return out;
}

function fit(parameter: string, s: string, what: string): string {
  const bytes = Buffer.byteLength(parameter);
  if (bytes > MAX_PARAMETER_BYTES) fail(what, s, `is too long for nginx: ${bytes} bytes once quoted, nginx reads at most 4096 per parameter`);
  return parameter;
}

function fail(what: string, s: string, problem: string): never {
  const shown = JSON.stringify(s);
  throw new Error(`nginx config: ${what} ${shown.length > 80 ? `${shown.slice(0, 77)}…"` : shown} ${problem}`);
}
