// The admin API, with the admin key the operator gave, kept in this tab's session storage.
// Paths are relative to the page (/admin/), so the dashboard works behind a path prefix too.

const STORE = 'assay.adminKey';

/** The key was refused (401) or is not an admin key (403). */
export class AuthError extends Error {}

/** Any other answer that is not a success; status and code as the API gave them. */
export class ApiError extends Error {
  constructor(message, status, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function hasKey() {
  return !!sessionStorage.getItem(STORE);
}

export function setKey(key) {
  sessionStorage.setItem(STORE, key.trim());
}

export function forgetKey() {
  sessionStorage.removeItem(STORE);
}

/** Calls the admin API; resolves to the parsed JSON answer. */
export async function call(method, path, body) {
  const headers = { Authorization: 'Bearer ' + (sessionStorage.getItem(STORE) || '') };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
    credentials: 'omit',
  });
  let data = null;
  try {
    data = await response.json();
  } catch (e) {
    data = null;
  }
  const message = data && data.error ? data.error.message : response.status + ' ' + response.statusText;
  if (response.status === 401 || response.status === 403) throw new AuthError(message);
  if (!response.ok) throw new ApiError(message, response.status, data && data.error ? data.error.code : null);
  return data;
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body);
export const put = (path, body) => call('PUT', path, body);
