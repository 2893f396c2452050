// Proof that Photo Spots tokens follow the standards, not just our own code:
// an independent JOSE library (Node's `jose`) verifies a real token against
// the live JWKS, and a token it signs with a key of its own is refused by
// both services.
import { expect, test } from '@playwright/test';
import { SignJWT, calculateJwkThumbprint, createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { useServer } from './helpers';

const server = useServer();

async function logIn(): Promise<string> {
  const { status, body } = await server().api('/api/login', { username: 'john', password: 'john-password' });
  expect(status).toBe(200);
  return body.token;
}

async function favoritesStatus(token: string): Promise<number> {
  const response = await fetch(`${server().favoritesURL}/api/favorites`, { headers: { authorization: `Bearer ${token}` } });
  return response.status;
}

test('jose verifies a real Photo Spots token against the live JWKS', async () => {
  const token = await logIn();
  const jwks = createRemoteJWKSet(new URL(`${server().baseURL}/.well-known/jwks.json`));
  for (const audience of ['photo-spots', 'favorites']) {
    const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: 'photo-spots', audience, algorithms: ['EdDSA'] });
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', kid: server().kid() });
    expect(payload).toMatchObject({ sub: '120', name: 'John', admin: false });
  }
  // ...and notices a forgery just as our services do.
  const [header, , signature] = token.split('.');
  const forged = `${header}.${Buffer.from(JSON.stringify({ sub: '121' })).toString('base64url')}.${signature}`;
  await expect(jwtVerify(forged, jwks)).rejects.toThrow();
});

test('a token jose signs with its own key is refused by both services', async () => {
  const real = await logIn();
  expect((await server().api('/api/me', {}, real)).status).toBe(200);
  expect(await favoritesStatus(real)).toBe(200);

  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const ownKid = await calculateJwkThumbprint(await exportJWK(publicKey));
  const now = Math.floor(Date.now() / 1000);
  for (const kid of [server().kid(), ownKid]) {
    const forged = await new SignJWT({ name: 'John', admin: true, jti: 'jose', ver: 0 })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid })
      .setSubject('120')
      .setIssuer('photo-spots')
      .setAudience(['photo-spots', 'favorites'])
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(privateKey);
    const me = await server().api('/api/me', {}, forged);
    expect(me.status, `main app, kid ${kid}`).toBe(401);
    expect(me.body.error).toBe('invalid_token');
    expect(await favoritesStatus(forged), `favourites, kid ${kid}`).toBe(401);
  }
});
