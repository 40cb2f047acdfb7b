// The panel's only network code: same-origin calls with the panel session, never a key.

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail || `HTTP ${status}`);
    this.status = status;
  }
}

async function problem(res) {
  let detail = res.statusText;
  try {
    const body = await res.json();
    detail = body.detail || detail;
  } catch (_) { /* not JSON */ }
  return new ApiError(res.status, detail);
}

/** Exchange an agent key (standalone) or a Chatwoot panel token for a panel session. */
export async function exchange(body, agentKey) {
  const headers = { 'Content-Type': 'application/json' };
  if (agentKey) headers.Authorization = `Bearer ${agentKey}`;
  const res = await fetch('/panel/session', {
    method: 'POST', headers, body: JSON.stringify(body), credentials: 'omit', cache: 'no-store',
  });
  if (!res.ok) throw await problem(res);
  return res.json();
}

export class Api {
  constructor(session) {
    this.session = session;
    this.onExpired = null;
  }

  headers() {
    return { 'Content-Type': 'application/json', Authorization: `Bearer ${this.session.token}` };
  }

  async call(method, path, body) {
    const res = await fetch(path, {
      method, headers: this.headers(), credentials: 'omit', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status === 401 && this.onExpired) this.onExpired();
    if (!res.ok) throw await problem(res);
    return res.status === 204 ? null : res.json();
  }

  post(path, body) { return this.call('POST', path, body); }
  get(path) { return this.call('GET', path); }

  /** POST a body and hand each server-sent event ({event, data}) to onEvent. */
  async stream(path, body, onEvent) {
    const res = await fetch(path, {
      method: 'POST', headers: { ...this.headers(), Accept: 'text/event-stream' },
      body: JSON.stringify(body), credentials: 'omit', cache: 'no-store',
    });
    if (res.status === 401 && this.onExpired) this.onExpired();
    if (!res.ok) throw await problem(res);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (value) buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut).replace(/^\r?\n\r?\n/, '');
        const parsed = parseEvent(block);
        if (parsed) onEvent(parsed);
      }
      if (done) break;
    }
    const last = parseEvent(buffer);
    if (last) onEvent(last);
  }

  feedback(suggestionId, body) {
    return this.post(`/v1/suggestions/${encodeURIComponent(suggestionId)}/feedback`, body);
  }
}

function parseEvent(block) {
  let event = 'message';
  const data = [];
  for (const line of block.split(/\r?\n/)) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  if (!data.length) return null;
  try {
    return { event, data: JSON.parse(data.join('\n')) };
  } catch (_) {
    return null;
  }
}
