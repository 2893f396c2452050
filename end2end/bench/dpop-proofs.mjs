// Logs in to the Photo Spots at BASE with a DPoP proof (a P-256 key made
// here with WebCrypto, as the browser makes its own) and writes COUNT lines
// "token proof" to OUT, each proof for one `POST /api/me` with a unique jti:
// what scripts/bench.sh feeds wrk to measure /api/me with DPoP.
// Usage: node bench/dpop-proofs.mjs BASE COUNT OUT
import { createWriteStream } from 'node:fs';

const [base, count, out] = [process.argv[2], Number(process.argv[3]), process.argv[4]];
const { subtle } = globalThis.crypto;
const b64 = (bytes) => Buffer.from(bytes).toString('base64url');
const text = (value) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

const pair = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
const { x, y } = await subtle.exportKey('jwk', pair.publicKey);
const header = b64(text({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256', x, y } }));

async function proof(htu, token) {
  const claims = { jti: crypto.randomUUID(), htm: 'POST', htu, iat: Math.floor(Date.now() / 1000) };
  if (token) claims.ath = b64(await subtle.digest('SHA-256', text(token)));
  const input = `${header}.${b64(text(claims))}`;
  return `${input}.${b64(await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, text(input)))}`;
}

const login = await fetch(`${base}/api/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', dpop: await proof(`${base}/api/login`) },
  body: JSON.stringify({ username: 'john', password: 'john-password' }),
});
const { token, token_type } = await login.json();
if (login.status !== 200 || token_type !== 'DPoP') throw new Error(`DPoP login failed: ${login.status}`);
const file = createWriteStream(out);
for (let i = 0; i < count; i++) {
  if (!file.write(`${token} ${await proof(`${base}/api/me`, token)}\n`)) {
    await new Promise((resolve) => file.once('drain', resolve));
  }
}
await new Promise((resolve) => file.end(resolve));
