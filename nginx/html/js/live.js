// Live user events from GET /api/events (Server-Sent Events through nchan).
// The browser reconnects by itself and sends Last-Event-ID, so nchan replays
// what was missed; when the stream is refused instead (nginx restarting, a
// 502), a new EventSource resumes from the last id with ?last_event_id=.
// Views subscribe with onUserEvent; after every reconnect they also get
// {type: 'resync'} and re-read, in case the gap outlived nchan's buffer.
const TYPES = ['user.created', 'user.updated', 'user.deleted'];
const RETRY_MS = 2000;
const subscribers = new Set();
let source = null;
let lastId = '';
let retryTimer = 0;
let status = null;
let dropped = false;

function notify(event) {
  subscribers.forEach((fn) => fn(event));
}

function show(text) {
  status.hidden = false;
  status.textContent = text;
}

function connect() {
  const query = lastId ? `?last_event_id=${encodeURIComponent(lastId)}` : '';
  source = new EventSource(`/api/events${query}`);
  source.addEventListener('open', () => {
    show('Live: changes appear as they happen.');
    if (dropped) notify({ type: 'resync' });
    dropped = false;
  });
  source.addEventListener('error', () => {
    dropped = true;
    show('Reconnecting to live changes…');
    if (source.readyState === EventSource.CLOSED) retryTimer = setTimeout(connect, RETRY_MS);
  });
  for (const type of TYPES) {
    source.addEventListener(type, (message) => {
      lastId = message.lastEventId || lastId;
      try {
        notify(JSON.parse(message.data));
      } catch {
        // not an event of ours; nothing to show
      }
    });
  }
}

export function startLive(statusElement) {
  status = statusElement;
  if (!source) connect();
}

export function stopLive() {
  clearTimeout(retryTimer);
  source?.close();
  source = null;
  lastId = '';
  if (status) status.hidden = true;
}

// Calls fn(event) for every event until the returned function is called.
export function onUserEvent(fn) {
  subscribers.add(fn);
  return () => subscribers.delete(fn);
}
