// Where the panel runs: reading the conversation from the host and inserting a reply into it.

const CHATWOOT_CHANNELS = {
  'Channel::Email': 'email', 'Channel::Sms': 'sms', 'Channel::TwilioSms': 'sms', 'Channel::Whatsapp': 'sms',
  'Channel::FacebookPage': 'social', 'Channel::Instagram': 'social', 'Channel::Telegram': 'social',
  'Channel::Line': 'social', 'Channel::TwitterProfile': 'social', 'Channel::WebWidget': 'chat', 'Channel::Api': 'chat',
};
const ZENDESK_CHANNELS = { email: 'email', web: 'web', chat: 'chat', native_messaging: 'chat', sms: 'sms', voice: 'voice', facebook: 'social', twitter: 'social', instagram_dm: 'social', whatsapp: 'sms', api: 'web' };

function firstName(name) {
  const first = String(name || '').trim().split(/\s+/)[0];
  return first ? first.slice(0, 64) : undefined;
}

function clip(text) { return String(text || '').slice(0, 8000); }

/** Chatwoot's appContext ({conversation, contact, currentAgent}) as a request conversation. */
export function fromChatwootContext(data) {
  const conv = data && data.conversation;
  if (!conv || !Array.isArray(conv.messages)) return null;
  const messages = [];
  for (const m of conv.messages) {
    if (m.private || !m.content || (m.message_type !== 0 && m.message_type !== 1 && m.message_type !== 3)) continue;
    messages.push({ role: m.message_type === 0 ? 'customer' : (m.message_type === 3 ? 'bot' : 'agent'), text: clip(m.content) });
  }
  const contact = data.contact || (conv.meta && conv.meta.sender) || {};
  const customer = {};
  if (contact.id !== undefined) customer.id = String(contact.identifier || `chatwoot:${contact.id}`).slice(0, 128);
  const fname = firstName(contact.name);
  if (fname) customer.first_name = fname;
  return {
    channel: CHATWOOT_CHANNELS[conv.meta && conv.meta.channel] || 'chat',
    conversation_id: conv.id !== undefined ? `chatwoot:${conv.id}` : undefined,
    customer,
    messages: messages.slice(-200),
  };
}

export function htmlToText(value) {
  // DOMParser builds an inert document: scripts do not run and nothing is fetched.
  const doc = new DOMParser().parseFromString(String(value || ''), 'text/html');
  return (doc.body.textContent || '').replace(/\s+\n/g, '\n').trim();
}

/** A Zendesk ticket read through the ZAF client as a request conversation. */
export function fromZendeskTicket(ticket) {
  const requester = ticket['ticket.requester'] || {};
  const comments = [...(ticket['ticket.comments'] || [])];
  comments.sort((a, b) => String(a.created_at || '').localeCompare(String(b.created_at || '')));
  const messages = [];
  for (const c of comments) {
    if (c.public === false) continue;
    const text = htmlToText(c.value ?? c.body ?? '');
    if (!text) continue;
    const author = c.author || {};
    messages.push({ role: author.id !== undefined && author.id === requester.id ? 'customer' : 'agent', text: clip(text) });
  }
  if (!messages.length && ticket['ticket.description']) messages.push({ role: 'customer', text: clip(ticket['ticket.description']) });
  const customer = {};
  if (requester.id !== undefined) customer.id = String(requester.externalId || `zendesk:${requester.id}`).slice(0, 128);
  const fname = firstName(requester.name);
  if (fname) customer.first_name = fname;
  const via = ticket['ticket.via'] || {};
  return {
    channel: ZENDESK_CHANNELS[via.channel] || 'email',
    conversation_id: ticket['ticket.id'] !== undefined ? `zendesk:${ticket['ticket.id']}` : undefined,
    customer,
    messages: messages.slice(-200),
  };
}

export const ZENDESK_FIELDS = ['ticket.id', 'ticket.subject', 'ticket.description', 'ticket.requester', 'ticket.comments', 'ticket.via'];

/** "Customer: ..." / "Agent: ..." lines as messages; unprefixed lines continue the last one. */
export function parsePasted(text) {
  const messages = [];
  for (const raw of String(text || '').split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const m = line.match(/^(customer|client|c|agent|a|bot)\s*:\s*(.*)$/i);
    if (m) {
      const who = m[1].toLowerCase();
      messages.push({ role: who.startsWith('c') ? 'customer' : (who === 'bot' ? 'bot' : 'agent'), text: m[2] });
    } else if (messages.length) {
      messages[messages.length - 1].text += `\n${line}`;
    } else {
      messages.push({ role: 'customer', text: line });
    }
  }
  return messages.filter((m) => m.text.trim()).map((m) => ({ role: m.role, text: clip(m.text) })).slice(-200);
}

/** A stable fingerprint of a conversation, to tell when it moved on. */
export function fingerprint(conv) {
  return conv ? JSON.stringify(conv.messages.map((m) => [m.role, m.text])) : '';
}

/** Copy text to the clipboard; inside a host's iframe without clipboard rights, select it instead. */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch (_) { /* not allowed in this frame */ }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  const ok = document.execCommand && document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('copy is blocked here: select the text and press Ctrl+C');
}
