// HTTP calls to the stack under test, with the few request shapes the
// contract test needs (bearer token, session cookie + CSRF, JSON or raw body).
export function makeClient(baseUrl) {
  return async function call(method, path, options = {}) {
    const headers = { ...(options.headers ?? {}) };
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    if (options.session) headers.Cookie = `__Host-session=${options.session.id}`;
    if (options.session && options.csrf !== false) headers['X-CSRF-Token'] = options.session.csrf;
    let body = options.body;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['Content-Type'] ??= 'application/json; charset=utf-8';
    }
    const abort = new AbortController();
    const res = await fetch(baseUrl + path, { method, headers, body, signal: abort.signal, redirect: 'manual' });
    // An event stream never ends: its headers are enough.
    let text = '';
    if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) abort.abort();
    else text = await res.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };
}
