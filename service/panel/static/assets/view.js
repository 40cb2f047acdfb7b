// Rendering. Every customer or article string goes through textContent (el's `text`), never
// innerHTML: a <script> in an article or a message shows as text.

// Channel icons as inline SVG paths (24x24), built with createElementNS: no icon font, no request.
export const CHANNEL_ICONS = {
  chat: 'M4 5h16v10H9l-5 4z',
  email: 'M3 6h18v12H3z M3 6l9 7 9-7',
  sms: 'M7 3h10v18H7z M10 18h4',
  voice: 'M6 3l4 1 1 5-2 2a11 11 0 0 0 4 4l2-2 5 1 1 4-3 2C9 20 4 15 3 6z',
  social: 'M9 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6z M3 20a6 6 0 0 1 12 0 M16 11a3 3 0 1 0 0-6 M18 20a6 6 0 0 0-3-5',
  web: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18z M3 12h18 M12 3c3 3 3 15 0 18 M12 3c-3 3-3 15 0 18',
};
const SVG = 'http://www.w3.org/2000/svg';

export function channelIcon(channel) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', 'icon');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', channel || 'channel');
  const title = document.createElementNS(SVG, 'title');
  title.textContent = channel || '';
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', CHANNEL_ICONS[channel] || CHANNEL_ICONS.chat);
  svg.append(title, path);
  return svg;
}
const NEEDS_ROUTING_BELOW = 0.5;

export function el(tag, opts = {}, children = []) {
  const node = document.createElement(tag);
  if (opts.class) node.className = opts.class;
  if (opts.text !== undefined && opts.text !== null) node.textContent = String(opts.text);
  for (const [k, v] of Object.entries(opts.attrs || {})) node.setAttribute(k, v);
  for (const child of children) if (child) node.append(child);
  return node;
}

export function textOf(value) {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return textOf(value.text ?? value.value ?? value.summary ?? value.label ?? '');
  return String(value);
}

function clear(node) { node.replaceChildren(); }

function shortDate(ts) {
  if (!ts) return '';
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? String(ts) : d.toISOString().slice(0, 10);
}

export function renderSummary(root, summary, note) {
  clear(root);
  if (!summary) {
    root.append(el('p', { class: 'muted', text: note || 'No summary.' }));
    return;
  }
  const headline = textOf(summary.headline);
  if (headline) root.append(el('p', { class: 'headline', text: headline }));
  const need = textOf(summary.current_need);
  if (need) root.append(el('p', {}, [el('span', { class: 'label', text: 'Needs: ' }), el('span', { text: need })]));
  const commitments = summary.commitments || [];
  const open = commitments.filter((c) => c.status === 'pending');
  const broken = commitments.filter((c) => c.status === 'broken');
  if (broken.length || open.length) {
    const list = el('ul', { class: 'commitments' });
    for (const c of broken) list.append(el('li', { class: 'broken' }, [el('span', { class: 'badge bad', text: 'broken' }), el('span', { text: ` ${c.text}` })]));
    for (const c of open) list.append(el('li', {}, [el('span', { class: 'badge', text: c.due ? `due ${shortDate(c.due)}` : 'open' }), el('span', { text: ` ${c.text}` })]));
    root.append(el('h3', { text: 'Commitments' }), list);
  }
  const facts = summary.facts || [];
  if (facts.length) {
    const list = el('ul', { class: 'facts' });
    for (const f of facts) list.append(el('li', {}, [el('span', { class: 'label', text: `${(f.kind || '').replaceAll('_', ' ')}: ` }), el('span', { text: f.value })]));
    root.append(el('h3', { text: 'Already given — do not ask again' }), list);
  }
  const timeline = summary.timeline || [];
  if (timeline.length) {
    const list = el('ol', { class: 'timeline' });
    for (const t of timeline.slice(-8)) {
      list.append(el('li', {}, [
        channelIcon(t.channel),
        el('span', {}, [el('span', { class: 'when', text: shortDate(t.ts) }), el('span', { text: ` ${t.text}` })]),
      ]));
    }
    root.append(el('h3', { text: 'Timeline' }), list);
  }
}

export function renderIntent(root, intent) {
  clear(root);
  if (!intent || !intent.intent || (intent.confidence ?? 0) < NEEDS_ROUTING_BELOW) {
    root.append(el('span', { class: 'badge warn', text: 'needs routing' }));
    if (intent && intent.intent) root.append(el('span', { class: 'muted', text: ` best guess ${intent.intent} (${Math.round(intent.confidence * 100)}%)` }));
    return;
  }
  root.append(el('strong', { text: intent.intent.replaceAll('_', ' ') }), el('span', { class: 'muted', text: ` ${Math.round(intent.confidence * 100)}% confident` }));
}

export function renderEscalation(banner, escalation) {
  if (!escalation) { banner.hidden = true; return; }
  clear(banner);
  banner.append(el('strong', { text: 'Escalate: ' }), el('span', { text: `${escalation.action || 'hand over'} → ${escalation.queue || 'queue'}` }));
  banner.hidden = false;
}

export function renderStale(banner, textNode, stale) {
  if (!stale) { banner.hidden = true; return; }
  textNode.textContent = typeof stale === 'object' && textOf(stale.reason ?? stale.detail)
    ? `The conversation moved on: ${textOf(stale.reason ?? stale.detail)}`
    : 'The conversation moved on since these suggestions.';
  banner.hidden = false;
}

export function renderKnowledge(root, hits) {
  clear(root);
  if (!hits || !hits.length) { root.append(el('li', { class: 'muted', text: 'No approved article matched.' })); return; }
  const articles = new Map(); // one card per article, its retrieved chunks inside, best first
  for (const h of hits) {
    if (!articles.has(h.article_id)) articles.set(h.article_id, { ...h, chunks: [] });
    articles.get(h.article_id).chunks.push(h);
  }
  for (const h of articles.values()) {
    const body = el('div', { class: 'article', attrs: { role: 'region' } }, h.chunks.flatMap((c) => [
      c.heading ? el('h4', { text: c.heading }) : null,
      el('p', { class: 'article-text', text: plain(c.text) }),
    ]));
    body.append(el('p', { class: 'muted', text: h.article_id }));
    body.hidden = true;
    const toggle = el('button', { class: 'card-toggle', attrs: { type: 'button', 'aria-expanded': 'false' } }, [
      el('span', { class: 'title', text: h.title }),
      el('span', { class: 'badge', text: `v${h.version}` }),
      el('span', { class: 'snippet', text: snippet(h.text) }),
    ]);
    toggle.addEventListener('click', () => {
      body.hidden = !body.hidden;
      toggle.setAttribute('aria-expanded', String(!body.hidden));
    });
    root.append(el('li', { class: 'kcard' }, [toggle, body]));
  }
}

function plain(text) {
  return String(text || '').replace(/\*\*/g, '');
}

function snippet(text) {
  const flat = plain(text).replace(/\s+/g, ' ').trim();
  return flat.length > 140 ? `${flat.slice(0, 139)}…` : flat;
}

export const REJECT_REASONS = ['wrong answer', 'not relevant', 'outdated policy', 'tone', 'other'];

/** One suggestion card; `actions` has insert(text), canInsert, feedback(event, extra). */
export function suggestionCard(s, index, actions) {
  const li = el('li', { class: 'suggestion', attrs: { tabindex: '-1', 'data-id': s.id, 'data-index': String(index + 1) } });
  const text = el('p', { class: 'reply', text: s.text });
  const cites = [...new Set((s.citations || []).map((c) => `${c.title} v${c.version}`))].join(', ');
  const meta = el('p', { class: 'muted', text: `${s.engine}${cites ? ` · ${cites}` : ''}` });
  const state = el('p', { class: 'state', attrs: { role: 'status' } });
  const insert = el('button', { class: 'primary', text: actions.canInsert ? 'Insert' : 'Copy', attrs: { type: 'button', 'data-act': 'insert', title: `${actions.canInsert ? 'Insert' : 'Copy'} (i)` } });
  const edit = el('button', { text: 'Edit', attrs: { type: 'button', 'data-act': 'edit', title: 'Edit then send (e)' } });
  const reject = el('button', { text: 'Reject', attrs: { type: 'button', 'data-act': 'reject', title: 'Reject with a reason (x)' } });
  const buttons = el('div', { class: 'actions' }, [insert, edit, reject]);
  const editor = el('div', { class: 'editor' });
  editor.hidden = true;
  li.append(el('span', { class: 'rank', text: String(index + 1) }), text, meta, buttons, editor, state);

  const decided = (label) => {
    for (const b of buttons.querySelectorAll('button')) b.disabled = true;
    editor.hidden = true;
    li.classList.add('decided');
    state.textContent = label;
  };
  const fail = (err) => { state.textContent = `Not recorded: ${err.message}`; };

  insert.addEventListener('click', async () => {
    try {
      await actions.insert(s.text);
      decided(actions.canInsert ? 'Inserted' : 'Copied');
      await actions.feedback(s.id, { event: 'accepted' });
    } catch (err) { fail(err); }
  });
  edit.addEventListener('click', () => {
    editor.replaceChildren();
    const area = el('textarea', { attrs: { rows: '5', 'aria-label': 'Edited reply' } });
    area.value = s.text;
    const send = el('button', { class: 'primary', text: actions.canInsert ? 'Insert edited' : 'Copy edited', attrs: { type: 'button', 'data-act': 'send-edit' } });
    const cancel = el('button', { text: 'Cancel', attrs: { type: 'button' } });
    send.addEventListener('click', async () => {
      const sent = area.value.trim();
      if (!sent) { state.textContent = 'The reply is empty.'; return; }
      try {
        await actions.insert(sent);
        decided('Edited and sent');
        await actions.feedback(s.id, sent === s.text.trim() ? { event: 'accepted' } : { event: 'edited', sent_text: sent });
      } catch (err) { fail(err); }
    });
    cancel.addEventListener('click', () => { editor.hidden = true; li.focus(); });
    editor.append(area, el('div', { class: 'actions' }, [send, cancel]));
    editor.hidden = false;
    area.focus();
  });
  reject.addEventListener('click', () => {
    editor.replaceChildren();
    const select = el('select', { attrs: { 'aria-label': 'Reason' } }, REJECT_REASONS.map((r) => el('option', { text: r, attrs: { value: r } })));
    const detail = el('input', { attrs: { type: 'text', maxlength: '500', placeholder: 'details (optional)', 'aria-label': 'Details' } });
    const confirm = el('button', { class: 'danger', text: 'Reject', attrs: { type: 'button', 'data-act': 'confirm-reject' } });
    const cancel = el('button', { text: 'Cancel', attrs: { type: 'button' } });
    confirm.addEventListener('click', async () => {
      const reason = detail.value.trim() ? `${select.value}: ${detail.value.trim()}` : select.value;
      try {
        await actions.feedback(s.id, { event: 'rejected', reason });
        decided(`Rejected (${reason})`);
      } catch (err) { fail(err); }
    });
    cancel.addEventListener('click', () => { editor.hidden = true; li.focus(); });
    editor.append(select, detail, el('div', { class: 'actions' }, [confirm, cancel]));
    editor.hidden = false;
    select.focus();
  });
  return li;
}
