/**
 * Where the console window may go. Pure functions (no `electron` import) so they are unit-tested.
 * The window only ever shows the master's console origin; https links leave for the system browser.
 */

/** Longest URL handed to the operating system's browser. */
export const EXTERNAL_URL_MAX_LENGTH = 2_048;

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** The origin (`scheme://host:port`) of an http(s) URL, or null for anything else. */
export function originOf(url: string): string | null {
  const parsed = parseUrl(url);
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) return null;
  return parsed.origin;
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** True when `url` stays on the console's own origin (same scheme, host and port). */
export function isAllowedNavigation(url: string, consoleOrigin: string): boolean {
  const target = originOf(url);
  const allowed = originOf(consoleOrigin);
  return target !== null && allowed !== null && target === allowed;
}

/**
 * True for a URL that is safe to give to `shell.openExternal`: https only, a real host name, no
 * embedded credentials, no control characters or whitespace, bounded length.
 */
export function isSafeExternalUrl(url: string): boolean {
  if (typeof url !== 'string' || url.length === 0 || url.length > EXTERNAL_URL_MAX_LENGTH) return false;
  if (/\s/.test(url) || hasControlCharacter(url)) return false;
  const parsed = parseUrl(url);
  if (!parsed || parsed.protocol !== 'https:') return false;
  if (parsed.username !== '' || parsed.password !== '') return false;
  return parsed.hostname.length > 0;
}
