import type { AccessItem, SubjectRequest } from '../access/types';
import type { AuthSettings } from '../config';
import { continueUri, manageUri } from '../http/public-url';
import type { IssuedToken } from '../token/issue-token';

// Response bodies in the exact shapes of auth-server.yaml. `access_token` has additionalProperties: false and access
// items unevaluatedProperties: false, so nothing beyond the spec's fields may appear.

export interface AccessTokenBody {
  value: string;
  manage: string;
  expires_in: number;
  access: AccessItem[];
}

export interface ContinueBody {
  access_token: { value: string };
  uri: string;
  wait?: number;
}

export interface GrantResponseBody {
  access_token?: AccessTokenBody;
  subject?: SubjectRequest;
  interact?: { redirect: string; finish: string };
  continue: ContinueBody;
}

export function accessTokenBody(settings: AuthSettings, token: IssuedToken, access: AccessItem[]): AccessTokenBody {
  return {
    value: token.value,
    manage: manageUri(settings, token.manageId),
    expires_in: token.expiresInSeconds,
    access,
  };
}

export function continueBody(
  settings: AuthSettings,
  continueId: string,
  continueToken: string,
  options: { wait?: boolean } = {},
): ContinueBody {
  const body: ContinueBody = { access_token: { value: continueToken }, uri: continueUri(settings, continueId) };
  if (options.wait) body.wait = settings.waitSeconds;
  return body;
}
