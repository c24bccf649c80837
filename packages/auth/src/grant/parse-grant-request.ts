import { invalidRequest } from '../errors';
import { parseAccessItems } from '../access/parse-access';
import { readArray, readHttpUrl, readObject, readString } from '../access/shape';
import type { AccessItem, SubjectRequest } from '../access/types';

export interface InteractRequest {
  /** Only `redirect` exists in Open Payments; kept to echo what the client asked for. */
  start: 'redirect'[];
  finish?: { method: 'redirect'; uri: string; nonce: string };
}

/** A grant request body after validation; `client` is read (and its signature checked) before this. */
export interface GrantRequestBody {
  access?: AccessItem[];
  subject?: SubjectRequest;
  interact?: InteractRequest;
}

/**
 * Validates everything but `client` against auth-server.yaml's request schema, refusing unknown fields: at least one
 * of access_token / subject, and `interact` whenever subject is asked for.
 */
export function parseGrantRequestBody(body: Record<string, unknown>): GrantRequestBody {
  readObject(body, 'body', ['access_token', 'client', 'interact', 'subject']);
  if (body.access_token === undefined && body.subject === undefined) {
    throw invalidRequest('a grant request needs access_token or subject');
  }
  const result: GrantRequestBody = {};
  if (body.access_token !== undefined) {
    const accessToken = readObject(body.access_token, 'access_token', ['access']);
    result.access = parseAccessItems(accessToken.access, 'access_token.access');
  }
  if (body.subject !== undefined) result.subject = parseSubject(body.subject);
  if (body.interact !== undefined) result.interact = parseInteract(body.interact);
  if (result.subject !== undefined && result.interact === undefined) {
    throw invalidRequest('a subject request needs interact');
  }
  return result;
}

function parseSubject(value: unknown): SubjectRequest {
  const subject = readObject(value, 'subject', ['sub_ids']);
  const ids = readArray(subject.sub_ids, 'subject.sub_ids', 1, 1).map((entry, index) => {
    const path = `subject.sub_ids[${index}]`;
    const subId = readObject(entry, path, ['id', 'format']);
    if (subId.format !== 'uri') throw invalidRequest(`${path}.format must be "uri"`);
    return { id: readHttpUrl(subId.id, `${path}.id`), format: 'uri' as const };
  });
  return { sub_ids: ids };
}

function parseInteract(value: unknown): InteractRequest {
  const interact = readObject(value, 'interact', ['start', 'finish']);
  const start = readArray(interact.start, 'interact.start', 1, 1);
  if (start[0] !== 'redirect') throw invalidRequest('interact.start supports only "redirect"');
  if (interact.finish === undefined) return { start: ['redirect'] };
  const finish = readObject(interact.finish, 'interact.finish', ['method', 'uri', 'nonce']);
  if (finish.method !== 'redirect') throw invalidRequest('interact.finish.method supports only "redirect"');
  return {
    start: ['redirect'],
    finish: {
      method: 'redirect',
      uri: readHttpUrl(finish.uri, 'interact.finish.uri'),
      nonce: readString(finish.nonce, 'interact.finish.nonce', 256),
    },
  };
}
