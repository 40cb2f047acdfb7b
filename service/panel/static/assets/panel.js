// The agent panel: one page for standalone, Chatwoot and Zendesk. No framework, no build step.
import { Api, exchange } from './api.js';
import {
  copyText, fingerprint, fromChatwootContext, fromZendeskTicket, parsePasted, ZENDESK_FIELDS,
} from './hosts.js';
import {
  renderEscalation, renderIntent, renderKnowledge, renderStale, renderSummary, suggestionCard, el,
} from './view.js';

const config = JSON.parse(document.getElementById('panel-config').textContent);
const $ = (id) => document.getElementById(id);
const state = { api: null, conversation: null, answered: '', busy: false, insert: null, canInsert: false, reload: null };

function status(text) { $('status').textContent = text || ''; }
function showError(text) {
  $('error').textContent = text || '';
  $('error').hidden = !text;
}

// ---- the answer ------------------------------------------------------------------------------

async function assist(conv) {
  if (!state.api || !conv || !conv.messages.length) return;
  if (state.busy) { state.queued = conv; return; } // answered when the current one is done
  state.busy = true;
  state.conversation = conv;
  state.answered = fingerprint(conv);
  showError('');
  renderStale($('stale'), $('stale-text'), false);
  $('results').hidden = false;
  $('refresh').hidden = false;
  status('Thinking…');
  $('suggestions').replaceChildren();
  const body = {
    channel: conv.channel, messages: conv.messages, n: 3,
    ...(conv.customer && Object.keys(conv.customer).length ? { customer: conv.customer } : {}),
    ...(conv.conversation_id ? { conversation_id: conv.conversation_id } : {}),
  };
  try {
    // With an LLM the replies are streamed (draft, then the checked final); the rest of the answer
    // comes from /v1/assist without the LLM so the model is asked once. Without one, /v1/assist
    // answers everything.
    const assistCall = state.api.post('/v1/assist', { ...body, use_llm: !config.stream });
    const streamCall = config.stream ? streamReplies(body) : null;
    const answer = await assistCall;
    renderAnswer(answer, !config.stream);
    if (streamCall) await streamCall;
    status('');
  } catch (err) {
    status('');
    showError(err.message);
  } finally {
    state.busy = false;
    const next = state.queued;
    state.queued = null;
    if (next) assist(next);
  }
}

function renderAnswer(answer, withSuggestions) {
  renderSummary($('summary'), answer.summary, (answer.notes || []).find((n) => n.startsWith('summary')));
  renderIntent($('intent'), answer.intent);
  renderEscalation($('escalation'), answer.escalation);
  renderKnowledge($('knowledge'), answer.knowledge);
  if (answer.stale) renderStale($('stale'), $('stale-text'), answer.stale);
  if (withSuggestions) showSuggestions(answer.suggestions || []);
}

async function streamReplies(body) {
  const draft = $('draft');
  draft.textContent = '';
  await state.api.stream('/v1/suggestions/stream', body, ({ event, data }) => {
    if (event === 'token') {
      draft.hidden = false;
      draft.textContent += data.text || '';
    } else if (event === 'retract') {
      draft.textContent = '';
      draft.hidden = true;
    } else if (event === 'final') {
      draft.textContent = '';
      draft.hidden = true;
      if (data.escalation) renderEscalation($('escalation'), data.escalation);
      if (data.stale) renderStale($('stale'), $('stale-text'), data.stale);
      showSuggestions(data.suggestions || []);
    }
  });
}

function showSuggestions(list) {
  const root = $('suggestions');
  root.replaceChildren();
  if (!list.length) root.append(el('li', { class: 'muted', text: 'No reply passed the checks.' }));
  const actions = {
    canInsert: state.canInsert,
    insert: state.insert,
    feedback: (id, body) => state.api.feedback(id, body),
  };
  list.forEach((s, i) => root.append(suggestionCard(s, i, actions)));
  // `shown` is an event, not a decision: the agent saw these replies.
  for (const s of list) state.api.feedback(s.id, { event: 'shown' }).catch(() => {});
}

function conversationMoved(conv) {
  if (state.answered && fingerprint(conv) !== state.answered) renderStale($('stale'), $('stale-text'), true);
}

// ---- hosts -----------------------------------------------------------------------------------

async function startStandalone() {
  state.insert = copyText;
  const saved = sessionStorage.getItem('assist-panel-session');
  const open = (session) => {
    state.api = new Api(session);
    state.api.onExpired = () => { sessionStorage.removeItem('assist-panel-session'); $('standalone').hidden = true; $('signin').hidden = false; showError('The panel session ended: sign in again.'); };
    $('signin').hidden = true;
    $('standalone').hidden = false;
    $('conversation').focus();
  };
  if (saved) {
    const session = JSON.parse(saved);
    if (Date.parse(session.expires_at) > Date.now()) { open(session); } else { sessionStorage.removeItem('assist-panel-session'); }
  }
  if (!state.api) $('signin').hidden = false;
  $('signin').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const key = $('agent-key').value.trim();
    try {
      const session = await exchange({ source: 'standalone' }, key);
      $('agent-key').value = '';
      sessionStorage.setItem('assist-panel-session', JSON.stringify(session));
      showError('');
      open(session);
    } catch (err) { showError(err.message); }
  });
  const run = () => {
    const customerId = $('customer-id').value.trim();
    assist({ channel: $('channel').value, messages: parsePasted($('conversation').value), customer: customerId ? { id: customerId } : {} });
  };
  state.reload = run;
  $('standalone').addEventListener('submit', (ev) => { ev.preventDefault(); run(); });
  $('conversation').addEventListener('keydown', (ev) => { if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); run(); } });
  $('load-customer').addEventListener('click', async () => {
    const id = $('customer-id').value.trim();
    if (!id || !state.api) return;
    try {
      const history = await state.api.get(`/v1/customers/${encodeURIComponent(id)}/interactions?limit=200`);
      const items = history.interactions || [];
      const lastThread = items.length ? items[items.length - 1].thread_id : null;
      const thread = items.filter((it) => (lastThread ? it.thread_id === lastThread : true) && it.kind === 'message').slice(-20);
      $('conversation').value = thread.map((it) => `${it.author_role === 'customer' ? 'Customer' : 'Agent'}: ${it.text}`).join('\n');
      if (thread.length) $('channel').value = thread[thread.length - 1].channel;
      showError('');
    } catch (err) { showError(err.message); }
  });
}

function askChatwoot() {
  for (const origin of config.host_origins || []) window.parent.postMessage('chatwoot-dashboard-app:fetch-info', origin);
}

async function startChatwoot() {
  state.insert = copyText;
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token');
  history.replaceState(null, '', location.pathname + location.search); // the token leaves the address bar
  if (!token) { showError('The dashboard app URL needs #token=<panel token>: see the README.'); return; }
  const connect = async () => { state.api = new Api(await exchange({ source: 'chatwoot', tenant: config.tenant, token })); state.api.onExpired = () => connect().catch((e) => showError(e.message)); };
  let pending = null;
  window.addEventListener('message', (ev) => {
    // Only the tenant's Chatwoot, and only our parent window, may tell us the conversation.
    if (!(config.host_origins || []).includes(ev.origin) || ev.source !== window.parent) return;
    let msg;
    try { msg = typeof ev.data === 'string' ? JSON.parse(ev.data) : ev.data; } catch (_) { return; }
    if (!msg || msg.event !== 'appContext') return;
    const conv = fromChatwootContext(msg.data);
    if (!conv) return;
    if (!state.api) { pending = conv; return; }
    const other = state.conversation && conv.conversation_id !== state.conversation.conversation_id;
    state.latest = conv;
    if (state.answered && !other) conversationMoved(conv); else assist(conv);
  });
  try {
    await connect();
  } catch (err) { showError(err.message); return; }
  state.reload = () => { if (state.latest || state.conversation) assist(state.latest || state.conversation); else askChatwoot(); };
  // Ask for the context now that we can answer (Chatwoot may have posted it before the session
  // existed, or the agent may have moved on meanwhile).
  if (pending) { state.latest = pending; assist(pending); } else status('Waiting for the conversation…');
  askChatwoot();
}

async function startZendesk() {
  if (!config.session) return;
  state.api = new Api(config.session);
  state.api.onExpired = () => showError('The panel session ended: reopen the app.');
  const client = window.ZAFClient && window.ZAFClient.init();
  if (!client) { showError('The Zendesk app framework did not load.'); return; }
  state.canInsert = true;
  state.insert = (text) => client.invoke('comment.appendText', text);
  client.invoke('resize', { width: '100%', height: '640px' });
  const read = async () => fromZendeskTicket(await client.get(ZENDESK_FIELDS));
  state.reload = async () => assist(await read());
  const moved = async () => conversationMoved(await read());
  client.on('ticket.updated', moved);
  client.on('ticket.saved', moved);
  assist(await read());
}

// ---- keyboard --------------------------------------------------------------------------------

function cards() { return [...document.querySelectorAll('#suggestions .suggestion')]; }
function focused() { return document.activeElement && document.activeElement.closest ? document.activeElement.closest('.suggestion') : null; }
function focusCard(i) { const all = cards(); if (all.length) all[Math.max(0, Math.min(i, all.length - 1))].focus(); }

document.addEventListener('keydown', (ev) => {
  const t = ev.target;
  if (ev.key === 'Escape') { $('help').open && $('help').close(); return; }
  if (ev.ctrlKey || ev.metaKey || ev.altKey || (t && ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName))) return;
  const all = cards();
  const current = focused();
  const idx = current ? all.indexOf(current) : -1;
  const press = (act) => { const c = current || all[0]; const b = c && c.querySelector(`button[data-act="${act}"]`); if (b && !b.disabled) b.click(); };
  if (ev.key === 'j' || ev.key === 'ArrowDown') focusCard(idx + 1);
  else if (ev.key === 'k' || ev.key === 'ArrowUp') focusCard(idx - 1);
  else if (/^[1-5]$/.test(ev.key)) focusCard(Number(ev.key) - 1);
  else if (ev.key === 'i') press('insert');
  else if (ev.key === 'e') press('edit');
  else if (ev.key === 'x') press('reject');
  else if (ev.key === 'r') { if (state.reload) state.reload(); }
  else if (ev.key === '?') $('help').showModal();
  else return;
  ev.preventDefault();
});

$('help-open').addEventListener('click', () => $('help').showModal());
$('refresh').addEventListener('click', () => state.reload && state.reload());
$('stale-refresh').addEventListener('click', () => state.reload && state.reload());

if (config.error) showError(config.error);
else if (config.host === 'chatwoot') startChatwoot();
else if (config.host === 'zendesk') startZendesk().catch((err) => showError(err.message));
else startStandalone();
