// Starts the real Photo Spots server (the binary cargo-leptos built) on a
// free port with its own SQLite file, and stops or restarts it on demand.
import { ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..');
/** The signing secret the test server runs with, so tests can mint expired tokens. */
export const JWT_SECRET = 'end-to-end-test-secret-0123456789abcdef';
/** The localStorage key the app keeps the token under (documented in README). */
export const TOKEN_KEY = 'photo-spots.token';

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? ok(address.port) : fail(new Error('no port'))));
    });
  });
}

export class PhotoSpotsServer {
  private process?: ChildProcess;
  private readonly dataDir = mkdtempSync(join(tmpdir(), 'photo-spots-e2e-'));
  public baseURL = '';
  public log = '';

  private port = 0;

  /** Starts the server; a restart keeps the port, so the browser's origin (and its localStorage) stays. */
  async start(): Promise<void> {
    const port = this.port || (this.port = await freePort());
    this.baseURL = `http://127.0.0.1:${port}`;
    const binary = process.env.PHOTO_SPOTS_BIN ?? join(root, 'target', 'debug', 'server');
    this.process = spawn(binary, [], {
      cwd: root,
      env: {
        ...process.env,
        LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
        LEPTOS_SITE_ROOT: join(root, 'target', 'site'),
        DATABASE_URL: `sqlite://${join(this.dataDir, 'photo-spots.db')}?mode=rwc`,
        JWT_SECRET,
        PHOTO_SPOTS_DEMO: '1',
        RUST_LOG: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process.stdout?.on('data', (chunk) => (this.log += chunk));
    this.process.stderr?.on('data', (chunk) => (this.log += chunk));
    await this.waitUntilReady();
  }

  private async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (this.process?.exitCode !== null) {
        throw new Error(`server exited early:\n${this.log}`);
      }
      try {
        const response = await fetch(this.baseURL);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`server did not start in time:\n${this.log}`);
  }

  /** Stops the server with SIGTERM (graceful shutdown) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((done) => {
      child.once('exit', () => done());
      child.kill('SIGTERM');
    });
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** POSTs JSON to the API the way a mobile app or curl would. */
  async api(path: string, body: unknown, token?: string): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${this.baseURL}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    return { status: response.status, body: await response.json() };
  }
}

const base64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/** A correctly signed HS256 token with the given claims. */
export function signToken(claims: Record<string, unknown>, secret = JWT_SECRET): string {
  const head = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
  const signature = createHmac('sha256', secret).update(head).digest('base64url');
  return `${head}.${signature}`;
}

/** The token with its payload edited (keeping the old signature), as an attacker would. */
export function editPayload(token: string, edit: (claims: Record<string, unknown>) => void): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  edit(claims);
  return `${header}.${base64url(JSON.stringify(claims))}.${signature}`;
}
