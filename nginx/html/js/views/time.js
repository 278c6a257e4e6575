// A <time> element showing an RFC 3339 timestamp in the reader's locale.
export function timeText(iso) {
  const time = document.createElement('time');
  time.dateTime = iso;
  time.textContent = formatTime(iso);
  return time;
}

export function formatTime(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}
