/** Raw HTTP calls to a test master's console API, with any token (or none), for the security tests. */
export interface Answer {
  status: number;
  body: { ok: boolean; value?: unknown; error?: { code: string; message: string; field?: string } };
  headers: Headers;
}

export async function post(
  consoleUrl: string,
  token: string | null,
  method: string,
  input: unknown = {},
): Promise<Answer> {
  const response = await fetch(`${consoleUrl}/api/${method}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(input),
  });
  return {
    status: response.status,
    body: (await response.json()) as Answer['body'],
    headers: response.headers,
  };
}

/** A call that must succeed; its value. */
export async function ok<T = Record<string, unknown>>(
  consoleUrl: string,
  token: string,
  method: string,
  input: unknown = {},
): Promise<T> {
  const answer = await post(consoleUrl, token, method, input);
  if (!answer.body.ok)
    throw new Error(`${method} failed: HTTP ${answer.status} ${JSON.stringify(answer.body.error)}`);
  return answer.body.value as T;
}

export const PASSWORD = 'correct horse battery';
