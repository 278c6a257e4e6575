// Calls to the user service's JSON API with the browser session: the cookie
// goes by itself, every write carries the X-CSRF-Token header. Failures
// become ApiError with the API's own {code, message, details}.
import { csrfToken } from './session.js';

export class ApiError extends Error {
  constructor(status, error) {
    super(error.message);
    this.status = status;
    this.code = error.code;
    this.details = Array.isArray(error.details) ? error.details : [];
  }
}

// Called when the API says the session is gone (expired, logged out
// elsewhere, user deleted); the app goes back to the login view.
let sessionLost = () => {};
export function onSessionLost(handler) {
  sessionLost = handler;
}
const SESSION_GONE = new Set(['unauthorized', 'invalid_token']);

// Resolves to {data, headers}; data is the parsed body or null (204).
export async function api(method, path, body, extraHeaders = {}) {
  const headers = { Accept: 'application/json', ...extraHeaders };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken()) headers['X-CSRF-Token'] = csrfToken();
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, {
      code: 'network_error',
      message: 'The service cannot be reached; check the connection and try again.',
    });
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null; // a proxy's HTML error page, say
  }
  if (response.status === 401 && SESSION_GONE.has(data?.error?.code)) sessionLost();
  if (!response.ok) {
    throw new ApiError(response.status, data?.error ?? {
      code: 'http_' + response.status,
      message: `The service answered with status ${response.status}; try again later.`,
    });
  }
  return { data, headers: response.headers };
}
