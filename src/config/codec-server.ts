import type { CodecAuthSettings } from '../codec/auth';
import type { RetrieverEnv } from './env';
import { readNamedFile, unpairedProblem } from './files';
import { InvalidConfigError } from './issues';

export interface CodecServerSettings {
  auth: CodecAuthSettings;
  namespaces: string[];
  maxBodyBytes: number;
  tls?: { cert: Buffer; key: Buffer };
}

/** The codec server's settings from the environment, with every combination that cannot work reported at once. */
export function codecServerSettings(env: RetrieverEnv): CodecServerSettings {
  const problems: string[] = [];
  const { RETRIEVER_CODEC_JWKS_URL: jwksUrl, RETRIEVER_CODEC_JWT_ISSUER: issuer, RETRIEVER_CODEC_JWT_AUDIENCE: audience } = env;
  if (jwksUrl) {
    if (!issuer) problems.push('RETRIEVER_CODEC_JWT_ISSUER: required with RETRIEVER_CODEC_JWKS_URL (the "iss" your identity provider writes into access tokens)');
    if (!audience?.length) problems.push('RETRIEVER_CODEC_JWT_AUDIENCE: required with RETRIEVER_CODEC_JWKS_URL (the "aud" of access tokens meant for this codec server)');
  } else if (issuer || audience?.length) {
    // Otherwise someone would believe tokens are checked while only the static token (or nothing) is.
    problems.push('RETRIEVER_CODEC_JWKS_URL: not set, but RETRIEVER_CODEC_JWT_ISSUER/AUDIENCE are: set the JWKS URL of your identity provider too');
  }

  const cert = readNamedFile(env, 'RETRIEVER_CODEC_TLS_CERT', problems);
  const key = readNamedFile(env, 'RETRIEVER_CODEC_TLS_KEY', problems);
  problems.push(...unpairedProblem(env, 'RETRIEVER_CODEC_TLS_CERT', 'RETRIEVER_CODEC_TLS_KEY'));
  if (problems.length > 0) throw new InvalidConfigError(problems, 'environment');

  return {
    auth: {
      ...(env.RETRIEVER_CODEC_AUTH_TOKEN ? { token: env.RETRIEVER_CODEC_AUTH_TOKEN } : {}),
      ...(jwksUrl && issuer && audience ? { jwt: { jwksUrl, issuer, audience, algorithms: env.RETRIEVER_CODEC_JWT_ALGORITHMS } } : {}),
    },
    namespaces: env.RETRIEVER_CODEC_NAMESPACES ?? [env.TEMPORAL_NAMESPACE],
    maxBodyBytes: env.RETRIEVER_CODEC_MAX_BODY,
    ...(cert && key ? { tls: { cert, key } } : {}),
  };
}
