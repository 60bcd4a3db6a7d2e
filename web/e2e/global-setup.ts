// Starts the real gateway and worker (the debug builds from CARGO_TARGET_DIR), the gateway on a free
// port, over a fresh database bootstrapped and migrated with the `ferrodesk` CLI and its own Redis
// key prefix, serving the built web app from dist/. The worker runs the jobs (outbound mail, SLA)
// and generates the demo; its SMTP intake takes any free port and its mail goes to a scratch
// outbox (emptied first), where the journeys read the links people get by mail. Both run in
// development mode (production refuses the http:// PUBLIC_URL and the development SECRET_KEY).
// Stops both and drops the database afterwards.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    /** The worker's file outbox: one .eml per message sent. */
    outboxDir: string;
  }
}

const web = resolve(import.meta.dirname, '..');
const repo = resolve(web, '..');
const superuser = process.env.TEST_DATABASE_SUPERUSER_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const pgHost = process.env.TEST_DATABASE_HOST || '127.0.0.1:5432';
const redis = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';
const bin = join(process.env.CARGO_TARGET_DIR || join(homedir(), '.cache/ferrodesk/target'), 'debug');

function psql(sql: string): string {
  return execFileSync('psql', [superuser, '-qAtX', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' });
}

/** Databases of earlier runs whose process has gone (a run killed before its teardown). */
function dropStaleDatabases() {
  for (const name of psql("select datname from pg_database where datname like 'fdweb\\_%'").split('\n').filter(Boolean)) {
    const pid = Number(name.split('_')[1]);
    if (!Number.isInteger(pid) || !existsSync(`/proc/${pid}`)) psql(`drop database if exists "${name}" with (force)`);
  }
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => ok(port));
    });
  });
}

async function waitUntilReady(url: string, gateway: ChildProcess, log: string) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (gateway.exitCode !== null) throw new Error(`the gateway exited (${gateway.exitCode}); see ${log}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the gateway did not become ready; see ${log}`);
}

/**
 * Starts the gateway on a free port. A port found free can be taken by another process's
 * outgoing connection before the gateway binds it, so a gateway that exits while starting is
 * tried again on a new port (three times at most).
 */
async function startGateway(env: NodeJS.ProcessEnv, log: string) {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const out = openSync(log, 'w');
    const gateway = spawn(join(bin, 'ferrodesk-gateway'), [], {
      env: { ...env, HTTP_ADDR: `127.0.0.1:${port}`, PUBLIC_URL: url },
      cwd: repo,
      stdio: ['ignore', out, out],
    });
    try {
      await waitUntilReady(url, gateway, log);
      return { gateway, url };
    } catch (error) {
      if (gateway.exitCode === null || attempt === 3) throw error;
      console.warn(`e2e: the gateway could not start on port ${port} (attempt ${attempt}); trying another`);
    }
  }
}

export default async function setup(project: TestProject) {
  for (const tool of ['ferrodesk', 'ferrodesk-gateway', 'ferrodesk-dev']) {
    if (!existsSync(join(bin, tool))) throw new Error(`${join(bin, tool)} is missing: cargo build -p ferrodesk-gateway -p ferrodesk-ctl -p ferrodesk-devtools`);
  }
  if (!existsSync(join(web, 'dist', 'index.html'))) throw new Error('web/dist is missing: npm run build');

  dropStaleDatabases();
  const database = `fdweb_${process.pid}_${Date.now().toString(36)}`;
  const outboxDir = join(web, 'test-results', 'outbox');
  rmSync(outboxDir, { recursive: true, force: true });
  const env = {
    ...process.env,
    DATABASE_URL: `postgres://ferrodesk_app:ferrodesk_app@${pgHost}/${database}`,
    WORKER_DATABASE_URL: `postgres://ferrodesk_worker_app:ferrodesk_worker_app@${pgHost}/${database}`,
    DATABASE_ADMIN_URL: `postgres://ferrodesk_owner:ferrodesk_owner@${pgHost}/${database}`,
    DATABASE_SUPERUSER_URL: superuser,
    DATABASE_MAX_CONNECTIONS: '10',
    REDIS_URL: redis,
    REDIS_KEY_PREFIX: `${database}:`,
    WEB_DIR: join(web, 'dist'),
    GRAPHIQL: 'false',
    FERRODESK_ENV: 'development',
    DEMO: 'on',
    INTAKE_SMTP_ADDR: '127.0.0.1:0',
    OUTBOX_DIR: outboxDir,
    ATTACHMENTS_DIR: join(web, 'test-results', 'attachments'),
    LOG_FORMAT: 'json',
    RUST_LOG: process.env.E2E_RUST_LOG || 'warn',
  };
  execFileSync(join(bin, 'ferrodesk'), ['bootstrap'], { env, cwd: repo, stdio: 'inherit' });
  execFileSync(join(bin, 'ferrodesk'), ['migrate'], { env, cwd: repo, stdio: 'inherit' });

  rmSync(join(web, 'test-results', 'screenshots'), { recursive: true, force: true });
  mkdirSync(join(web, 'test-results'), { recursive: true });
  const log = join(web, 'test-results', 'gateway.log');
  const { gateway, url } = await startGateway(env, log);
  // Started once the gateway listens: its own connections take ephemeral ports, one of which
  // could otherwise be the port just reserved for the gateway.
  const workerLog = join(web, 'test-results', 'worker.log');
  const workerOut = openSync(workerLog, 'w');
  const worker = spawn(join(bin, 'ferrodesk-worker'), [], { env: { ...env, PUBLIC_URL: url }, cwd: repo, stdio: ['ignore', workerOut, workerOut] });
  project.provide('baseUrl', url);
  project.provide('outboxDir', outboxDir);
  console.log(`e2e: gateway ${url}, database ${database}`);

  return async () => {
    for (const child of [gateway, worker]) {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    }
    psql(`drop database if exists "${database}" with (force)`);
    // The run's sessions and rate-limit counters (best effort: redis-cli may be absent).
    try {
      execFileSync('sh', ['-c', 'redis-cli -u "$1" --scan --pattern "$2*" | xargs -r redis-cli -u "$1" del >/dev/null', 'sh', redis, `${database}:`]);
    } catch {
      console.warn(`e2e: could not delete the Redis keys ${database}:*`);
    }
  };
}
