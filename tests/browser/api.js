// The service's API called directly (bearer token), for changes a test makes
// behind the web UI's back.
export async function call(baseURL, method, path, body, token) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(baseURL + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

// Registers a user and logs it in: {id, token}.
export async function newUser(baseURL, username, password) {
  const made = await call(baseURL, 'POST', '/api/register', { username, password });
  if (made.status !== 201) throw new Error(`register ${username}: ${made.status}`);
  const login = await call(baseURL, 'POST', '/api/login', { username, password });
  return { id: made.body.user_id, token: login.body.access_token };
}
