// Starts the real Photo Spots server (the binary cargo-leptos built) and the
// real favourites service on free ports, each with its own SQLite file, and
// stops or restarts them on demand.
//
// The main app signs with an Ed25519 key made here by Node's own crypto (so
// tests can sign tokens the way an attacker with the key could), and the
// favourites service trusts it through the main app's JWKS, as in production.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { KeyObject, createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..');
/** The localStorage key the app keeps the token under (docs/src/concepts/browser-session.md). */
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

/** One of our binaries as a child process, with its output kept for failure reports. */
class Service {
  private process?: ChildProcess;
  public log = '';

  constructor(
    private readonly name: string,
    private readonly readyURL: () => string,
  ) {}

  async start(binary: string, env: Record<string, string>): Promise<void> {
    this.process = spawn(binary, [], {
      cwd: root,
      env: { ...process.env, RUST_LOG: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process.stdout?.on('data', (chunk) => (this.log += chunk));
    this.process.stderr?.on('data', (chunk) => (this.log += chunk));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (this.process.exitCode !== null) throw new Error(`${this.name} exited early:\n${this.log}`);
      try {
        if ((await fetch(this.readyURL())).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${this.name} did not start in time:\n${this.log}`);
  }

  /** SIGTERM (graceful shutdown), then wait for the exit. */
  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((done) => {
      child.once('exit', () => done());
      child.kill('SIGTERM');
    });
  }
}

const binary = (name: string) => join(root, 'target', 'debug', name);

export class PhotoSpotsServer {
  private readonly dataDir = mkdtempSync(join(tmpdir(), 'photo-spots-e2e-'));
  private readonly main = new Service('Photo Spots', () => this.baseURL);
  private readonly favorites = new Service('favourites', () => `${this.favoritesURL}/api/health`);
  /** The main app's signing key, made here so tests can sign tokens with it. */
  private readonly privateKey: KeyObject;
  private readonly keyFile = join(this.dataDir, 'signing.pem');
  public baseURL = '';
  public favoritesURL = '';
  private port = 0;
  private favoritesPort = 0;

  /**
   * `env`: extra settings for the main app, e.g. a short `JWT_TTL_SECONDS`.
   * `host`: the name the browser uses; WebAuthn (passkeys) needs a name
   * such as `localhost`, not an IP address.
   */
  constructor(
    private readonly env: Record<string, string> = {},
    private readonly host = '127.0.0.1',
  ) {
    const { privateKey } = generateKeyPairSync('ed25519');
    this.privateKey = privateKey;
    writeFileSync(this.keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  }

  get log(): string {
    return `--- Photo Spots ---\n${this.main.log}\n--- favourites ---\n${this.favorites.log}`;
  }

  /** Starts both services; a restart keeps the ports, so the browser's origin (and its localStorage) stays. */
  async start(): Promise<void> {
    const port = this.port || (this.port = await freePort());
    const favoritesPort = this.favoritesPort || (this.favoritesPort = await freePort());
    this.baseURL = `http://${this.host}:${port}`;
    this.favoritesURL = `http://127.0.0.1:${favoritesPort}`;
    await this.main.start(this.mainBinary, this.mainEnv());
    await this.startFavorites();
  }

  private get mainBinary(): string {
    return process.env.PHOTO_SPOTS_BIN ?? binary('server');
  }

  private mainEnv(): Record<string, string> {
    return {
      LEPTOS_SITE_ADDR: `127.0.0.1:${this.port}`,
      LEPTOS_SITE_ROOT: join(root, 'target', 'site'),
      DATABASE_URL: `sqlite://${join(this.dataDir, 'photo-spots.db')}?mode=rwc`,
      JWT_PRIVATE_KEY_FILE: this.keyFile,
      FAVORITES_URL: this.favoritesURL,
      PHOTO_SPOTS_DEMO: '1',
      // DPoP proofs and WebAuthn name the origin the browser is at.
      PUBLIC_ORIGIN: this.baseURL,
      ...this.env,
    };
  }

  /** `server ARGS…` as an operator runs it beside this server (same settings and database): what it printed. */
  operator(...args: string[]): string {
    return execFileSync(this.mainBinary, args, {
      cwd: root,
      env: { ...process.env, RUST_LOG: 'error', ...this.mainEnv() },
      encoding: 'utf8',
    });
  }

  async startFavorites(): Promise<void> {
    await this.favorites.start(binary('favorites'), {
      FAVORITES_ADDR: `127.0.0.1:${this.favoritesPort}`,
      FAVORITES_DATABASE_URL: `sqlite://${join(this.dataDir, 'favorites.db')}?mode=rwc`,
      FAVORITES_ALLOWED_ORIGINS: this.baseURL,
      // Service to service: the loopback address, whatever name the browser uses.
      JWT_JWKS_URL: `http://127.0.0.1:${this.port}/.well-known/jwks.json`,
    });
  }

  async stopFavorites(): Promise<void> {
    await this.favorites.stop();
  }

  /** Stops both services with SIGTERM (graceful shutdown) and waits for them to exit. */
  async stop(): Promise<void> {
    await Promise.all([this.main.stop(), this.favorites.stop()]);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** The RFC 7638 thumbprint of the signing key: the `kid` the server puts in its tokens. */
  kid(): string {
    const jwk = this.privateKey.export({ format: 'jwk' });
    const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
    return createHash('sha256').update(canonical).digest('base64url');
  }

  /** A token with these claims, correctly signed with the server's own key (as only it could). */
  signToken(claims: Record<string, unknown>): string {
    const head = `${base64url(JSON.stringify({ alg: 'EdDSA', typ: 'JWT', kid: this.kid() }))}.${base64url(JSON.stringify(claims))}`;
    return `${head}.${sign(null, Buffer.from(head), this.privateKey).toString('base64url')}`;
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

/** The token with its payload edited (keeping the old signature), as an attacker would. */
export function editPayload(token: string, edit: (claims: Record<string, unknown>) => void): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  edit(claims);
  return `${header}.${base64url(JSON.stringify(claims))}.${signature}`;
}
