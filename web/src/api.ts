// api.ts: the one way the UI talks to the server.  JSON in and out, the CSRF
// token on every mutation, errors as ApiError (status, code, message, fields).
// A 401 does not throw: it asks the app to show the log-in screen over what
// is on screen (nothing typed is lost) and retries the request once logged in.

export interface ApiErrorBody {
  code: string;
  message: string;
  fields?: Record<string, string>;
  field_codes?: Record<string, string>; // field -> code of its message (i18n err.<code>)
  field_params?: Record<string, Record<string, unknown>>; // field -> the message's parameters
  candidates?: unknown[]; // 409 possible_duplicate: the likely duplicates
}

export class ApiError extends Error {
  status: number;
  code: string;
  fields: Record<string, string>;
  body: ApiErrorBody;
  constructor(status: number, body: ApiErrorBody) {
    super(body.message);
    this.status = status;
    this.code = body.code;
    this.fields = body.fields ?? {};
    this.body = body;
  }
  get isConflict(): boolean {
    return this.status === 409 && this.code === 'version_conflict';
  }
}

let csrf = '';
export function setCsrf(token: string): void {
  csrf = token;
}

// Set by the app: shows the log-in screen, resolves once logged in again.
let onAuthLost: (() => Promise<void>) | null = null;
export function setAuthLostHandler(fn: () => Promise<void>): void {
  onAuthLost = fn;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export function qs(q: Query): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? '?' + s : '';
}

export async function request<T = unknown>(method: string, path: string, body?: unknown, retried = false): Promise<T> {
  return send<T>(method, path, body === undefined ? undefined : { data: JSON.stringify(body), type: 'application/json' }, retried);
}

/* postFile: a file as the whole body (e.g. text/csv), the reply as JSON;
 * upload() below sends multipart with progress. */
export function postFile<T = unknown>(path: string, file: Blob, type: string): Promise<T> {
  return send<T>('POST', path, { data: file, type });
}

async function send<T>(method: string, path: string, body?: { data: BodyInit; type: string }, retried = false): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = body.type;
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body?.data,
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, { code: 'network', message: 'network' });
  }
  if (res.status === 204) return undefined as T;
  let data: unknown = null;
  const text = await res.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (res.ok) return data as T;
  const err = (data as { error?: ApiErrorBody } | null)?.error ?? { code: 'http_' + res.status, message: res.statusText };
  const authLost = res.status === 401 || (res.status === 403 && err.code === 'csrf_failed');
  if (authLost && path !== '/api/session' && onAuthLost && !retried) {
    await onAuthLost();
    return send<T>(method, path, body, true);
  }
  throw new ApiError(res.status, err);
}

export const api = {
  get: <T = unknown>(path: string, q?: Query) => request<T>('GET', path + (q ? qs(q) : '')),
  post: <T = unknown>(path: string, body: unknown = {}) => request<T>('POST', path, body),
  patch: <T = unknown>(path: string, body: unknown) => request<T>('PATCH', path, body),
  del: (path: string) => request<void>('DELETE', path),
};

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/* upload: a multipart POST (a file) with upload progress (0..1), the CSRF
 * token, ApiError on failure and the same log-in-again-and-retry on 401 as
 * request().  fetch() cannot report upload progress, hence XHR. */
export function upload<T = unknown>(path: string, form: FormData, onProgress?: (f: number) => void, retried = false): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open('POST', path);
    x.setRequestHeader('Accept', 'application/json');
    if (csrf) x.setRequestHeader('X-CSRF-Token', csrf);
    if (onProgress) x.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    x.onerror = () => reject(new ApiError(0, { code: 'network', message: 'network' }));
    x.onload = () => {
      let data: unknown = null;
      try {
        data = x.responseText ? JSON.parse(x.responseText) : null;
      } catch {
        data = null;
      }
      if (x.status >= 200 && x.status < 300) return resolve(data as T);
      const err = (data as { error?: ApiErrorBody } | null)?.error ?? { code: 'http_' + x.status, message: x.statusText };
      const authLost = x.status === 401 || (x.status === 403 && err.code === 'csrf_failed');
      if (authLost && onAuthLost && !retried)
        return void onAuthLost().then(() => upload<T>(path, form, onProgress, true).then(resolve, reject));
      reject(new ApiError(x.status, err));
    };
    x.send(form);
  });
}
