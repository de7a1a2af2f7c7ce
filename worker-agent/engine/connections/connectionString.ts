/**
 * Connection strings: the key=value form (libpq `host=h password='p w'` or ADO.NET-style
 * `Host=h;Password=p`), URLs with a password, and keeping those passwords out of messages.
 */

export const REDACTED = '********';

export interface KeywordEntry {
  /** Lower case, inner spaces kept ("user id"). */
  key: string;
  value: string;
  /** Span of the raw value in the text, quotes included. */
  start: number;
  end: number;
}

/** `scheme://`: the string is a URL. */
export function isUrlForm(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text.trim());
}

/** The keys whose values are secrets. */
const SECRET_KEYS = new Set(['password', 'pwd', 'sslpassword']);

/** `;` separates pairs when one follows a value and precedes another key (or ends the text). */
export function usesSemicolons(text: string): boolean {
  return /;\s*[A-Za-z][A-Za-z0-9 _]*=/.test(text) || /;\s*$/.test(text);
}

/** Reads a quoted value at text[i]; libpq escapes with backslash, the ADO.NET form doubles the quote. */
function readQuoted(text: string, i: number, semicolons: boolean): { value: string; end: number } {
  const quote = text[i];
  let value = '';
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (!semicolons && c === '\\' && j + 1 < text.length) {
      value += text[++j];
    } else if (c === quote && semicolons && text[j + 1] === quote) {
      value += quote;
      j++;
    } else if (c === quote) {
      return { value, end: j + 1 };
    } else {
      value += c;
    }
  }
  throw new Error('a quoted value is not closed');
}

/**
 * Parses key=value pairs. Errors never quote values (one may be a password).
 * Pairs are separated by spaces (libpq) or by `;` (ADO.NET style, where keys may hold spaces).
 */
export function parseKeywords(text: string): KeywordEntry[] {
  const semicolons = usesSemicolons(text);
  const isSeparator = (c: string) => (semicolons ? c === ';' : /\s/.test(c));
  const entries: KeywordEntry[] = [];
  let i = 0;
  for (;;) {
    while (i < text.length && (/\s/.test(text[i]!) || isSeparator(text[i]!))) i++;
    if (i >= text.length) return entries;
    const eq = text.indexOf('=', i);
    const key = eq < 0 ? '' : text.slice(i, eq).trim().toLowerCase();
    if (!key || (!semicolons && /\s/.test(key)) || (semicolons && key.includes(';'))) {
      throw new Error(`expected key=value pairs separated by ${semicolons ? 'semicolons' : 'spaces'}`);
    }
    i = eq + 1;
    while (text[i] === ' ' || text[i] === '\t') i++;
    const start = i;
    if (text[i] === "'" || text[i] === '"') {
      const { value, end } = readQuoted(text, i, semicolons);
      entries.push({ key, value, start, end });
      i = end;
      continue;
    }
    while (i < text.length && !isSeparator(text[i]!)) i++;
    const raw = text.slice(start, i);
    const value = semicolons ? raw.trim() : raw;
    entries.push({ key, value, start, end: start + raw.trimEnd().length });
  }
}

/** The password of a URL (`scheme://user:password@host`), as written (maybe percent-encoded). */
function urlPassword(text: string): { start: number; end: number } | null {
  const match = /^(\s*[a-z][a-z0-9+.-]*:\/\/[^:@/?#\s]*:)([^/?#]*)@/i.exec(text);
  if (!match) return null;
  const start = match[1]!.length;
  return { start, end: start + match[2]!.length };
}

/** The secrets a connection string carries, in every form a message might show them. */
export function connectionStringSecrets(text: string): string[] {
  const secrets = new Set<string>();
  const add = (value: string) => {
    if (!value) return;
    secrets.add(value);
    try {
      secrets.add(decodeURIComponent(value));
    } catch {
      // not percent-encoded
    }
  };
  if (isUrlForm(text)) {
    const span = urlPassword(text);
    if (span) add(text.slice(span.start, span.end));
    // pg also reads ?password= from a URL.
    for (const m of text.matchAll(/[?&](?:ssl)?password=([^&#]*)/gi)) add(m[1]!);
    return [...secrets];
  }
  try {
    for (const entry of parseKeywords(text)) {
      if (SECRET_KEYS.has(entry.key)) {
        add(entry.value);
        add(text.slice(entry.start, entry.end));
      }
    }
  } catch {
    // Unparseable: the fallback of redactConnectionString still hides the rest after password=.
    const m = /\b(?:ssl)?(?:password|pwd)\s*=\s*(.*)$/is.exec(text);
    if (m) add(m[1]!.trim());
  }
  return [...secrets];
}

/** The connection string with every password replaced by ********, for messages. */
export function redactConnectionString(text: string): string {
  if (isUrlForm(text)) {
    const span = urlPassword(text);
    const out = span ? text.slice(0, span.start) + REDACTED + text.slice(span.end) : text;
    return out.replace(/([?&](?:ssl)?password=)[^&#]*/gi, `$1${REDACTED}`);
  }
  let entries: KeywordEntry[];
  try {
    entries = parseKeywords(text);
  } catch {
    // When the pairs do not parse, hide everything after the first password key.
    return text.replace(/(\b(?:ssl)?(?:password|pwd)\s*=).*$/is, `$1${REDACTED}`);
  }
  let out = text;
  // Right to left, so earlier spans keep their offsets.
  for (const entry of entries.filter((e) => SECRET_KEYS.has(e.key)).reverse()) {
    out = out.slice(0, entry.start) + REDACTED + out.slice(entry.end);
  }
  return out;
}
