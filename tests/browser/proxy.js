// A TCP relay in front of nginx that a test can cut: the page loads through
// it, so dropping its connections is a network outage for the page alone
// (its live event stream included) while the stack keeps running.
import net from 'node:net';

export async function startRelay(targetURL) {
  const target = new URL(targetURL);
  const sockets = new Set();
  let open = true;
  const server = net.createServer((client) => {
    if (!open) {
      client.destroy();
      return;
    }
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    // Drops every connection and refuses new ones until restore().
    cut() {
      open = false;
      sockets.forEach((s) => s.destroy());
    },
    restore() {
      open = true;
    },
    close() {
      sockets.forEach((s) => s.destroy());
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
