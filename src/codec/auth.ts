import { createHash, timingSafeEqual } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';

/** Who may use the codec server: either credential is enough when both are configured. */
export interface CodecAuthSettings {
  /** A shared bearer token, for setups without single sign-on (the Temporal CLI's `--codec-auth`). */
  token?: string;
  /** Access tokens of the identity provider (the Web UI forwards the signed-in user's), checked against its JWKS. */
  jwt?: {
    jwksUrl: string;
    issuer: string;
    audience: string[];
    algorithms: string[];
  };
}

export type AuthResult = { ok: true; subject: string } | { ok: false; reason: string };

/** Checks an `Authorization` header; rejects only when the identity provider's keys cannot be fetched. */
export type Authenticate = (authorization: string | undefined) => Promise<AuthResult>;

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/** Undefined when nothing is configured: the server then serves loopback callers only. */
export function codecAuthenticator(settings: CodecAuthSettings): Authenticate | undefined {
  const { token, jwt } = settings;
  if (!token && !jwt) return undefined;
  // Digests have one length whatever was sent, so the comparison takes the same time for every guess.
  const tokenDigest = token ? sha256(token) : undefined;
  const keys = jwt ? createRemoteJWKSet(new URL(jwt.jwksUrl)) : undefined;

  return async (authorization) => {
    if (!authorization) return { ok: false, reason: 'no Authorization header' };
    const bearer = /^Bearer +(\S+)$/i.exec(authorization.trim());
    if (!bearer) return { ok: false, reason: 'Authorization is not "Bearer <token>"' };
    const presented = bearer[1];
    if (tokenDigest && timingSafeEqual(sha256(presented), tokenDigest)) return { ok: true, subject: 'static token' };
    if (!keys || !jwt) return { ok: false, reason: 'wrong token' };
    try {
      const { payload } = await jwtVerify(presented, keys, { issuer: jwt.issuer, audience: jwt.audience, algorithms: jwt.algorithms });
      return { ok: true, subject: payload.sub ?? '(token without sub)' };
    } catch (err) {
      // The identity provider being unreachable or serving a broken key set is our failure, not the caller's.
      if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || !(err instanceof errors.JOSEError)) throw err;
      return { ok: false, reason: `${tokenDigest ? 'wrong token, and ' : ''}not a valid JWT: ${err.code} (${err.message})` };
    }
  };
}
