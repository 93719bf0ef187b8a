// A real redis-server for the queue tests (Debian's package): started on a free loopback port with a
// temporary directory, append-only persistence on, stopped (and restartable) by the test.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REDIS_SERVER = process.env.PQKD_REDIS_SERVER ?? '/usr/bin/redis-server';
export const HAVE_REDIS = existsSync(REDIS_SERVER);
export const REDIS_MISSING = `redis-server not found at ${REDIS_SERVER}: apt-get install -y --no-install-recommends redis-server (or set PQKD_REDIS_SERVER)`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let reply = '';
    socket.setTimeout(500);
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('data', (d) => {
      reply += d.toString();
      if (reply.includes('\r\n')) {
        socket.destroy();
        resolve(reply.startsWith('+PONG'));
      }
    });
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
  });
}

export class RedisServer {
  readonly dir = mkdtempSync(join(tmpdir(), 'pqkd-redis-'));
  port = 0;
  private child: ChildProcess | null = null;

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  async start(): Promise<void> {
    if (this.port === 0) this.port = await freePort();
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--dir',
      this.dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--save',
      '',
      '--maxmemory-policy',
      'noeviction',
      '--daemonize',
      'no',
      '--logfile',
      join(this.dir, 'redis.log'),
    ];
    this.child = spawn(REDIS_SERVER, args, { stdio: 'ignore' });
    const deadline = Date.now() + 15_000;
    while (!(await ping(this.port))) {
      if (this.child.exitCode !== null) throw new Error(`redis-server exited with ${this.child.exitCode} (see ${join(this.dir, 'redis.log')})`);
      if (Date.now() > deadline) throw new Error('redis-server did not answer PING within 15 s');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** SIGTERM (redis-server flushes its append-only file and exits), waits for the exit. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
