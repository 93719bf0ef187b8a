/**
 * The `--queue` argument: a Redis URL, redis://[user:password@]host[:port][/db] (rediss:// for TLS),
 * turned into ioredis connection options. BullMQ needs `maxRetriesPerRequest: null` on the
 * connections of its workers (blocking commands must wait through a Redis restart instead of failing).
 */
import { CliError } from '../errors.js';

export interface RedisTarget {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls: boolean;
  /** The URL without its password, for messages. */
  display: string;
}

export function parseRedisUrl(raw: unknown, flag = '--queue'): RedisTarget {
  if (typeof raw !== 'string' || raw === '')
    throw new CliError(`${flag}: expected a Redis URL such as redis://127.0.0.1:6379/0, got ${raw === undefined ? 'nothing' : JSON.stringify(raw)}`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(`${flag}: not a URL: '${raw}' (expected redis://host:port/db)`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw new CliError(`${flag}: expected a redis:// or rediss:// URL, got the scheme '${url.protocol}'`);
  if (url.hostname === '') throw new CliError(`${flag}: '${raw}' names no host`);
  const port = url.port === '' ? 6379 : Number(url.port);
  const dbText = url.pathname.replace(/^\//, '');
  if (dbText !== '' && !/^\d+$/.test(dbText)) throw new CliError(`${flag}: the database must be a number (redis://host:port/0), got '/${dbText}'`);
  if (url.search !== '' || url.hash !== '') throw new CliError(`${flag}: query strings and fragments are not supported ('${url.search}${url.hash}')`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const target: RedisTarget = { host, port, db: dbText === '' ? 0 : Number(dbText), tls: url.protocol === 'rediss:', display: '' };
  if (url.username !== '') target.username = decodeURIComponent(url.username);
  if (url.password !== '') target.password = decodeURIComponent(url.password);
  target.display = `${url.protocol}//${url.username !== '' ? `${url.username}${url.password !== '' ? ':***' : ''}@` : url.password !== '' ? ':***@' : ''}${url.host}/${target.db}`;
  return target;
}

/** ioredis options for a BullMQ Queue/Worker (reconnects forever; commands wait for the connection). */
export function connectionOptions(t: RedisTarget): Record<string, unknown> {
  return {
    host: t.host,
    port: t.port,
    db: t.db,
    ...(t.username !== undefined ? { username: t.username } : {}),
    ...(t.password !== undefined ? { password: t.password } : {}),
    ...(t.tls ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(200 * times, 2000),
  };
}
