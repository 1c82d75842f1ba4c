import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload, type KeyLike } from 'jose';

export interface IdentityProvider {
  issuer: string;
  audience: string;
  /** Where its public keys are, as a JWKS document. */
  jwksUrl: string;
  /** An access token for `ana@example.test`, valid for 5 minutes unless `claims` say otherwise; `key` forges one. */
  sign(claims?: JWTPayload, key?: KeyLike): Promise<string>;
  close(): Promise<void>;
}

/** An identity provider's side of single sign-on: a key pair of its own, the public half served as JWKS. */
export async function identityProvider(): Promise<IdentityProvider> {
  const issuer = 'https://idp.example.test/';
  const audience = 'retriever-codec';
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' };
  const server: Server = createServer((_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    issuer,
    audience,
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    sign: ({ exp = '5m', ...claims } = {}, key = privateKey) =>
      new SignJWT({ sub: 'ana@example.test', iss: issuer, aud: audience, ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: 'idp-1' })
        .setIssuedAt()
        .setExpirationTime(exp as number | string)
        .sign(key),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
