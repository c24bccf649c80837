// Pure parts: intervals, amounts, access matching, the finish hash, consent wording, settings.
import { createHash } from 'node:crypto';
import { formatAmount, isUint64String } from '../src/access/amount';
import { describeInterval } from '../src/access/describe-interval';
import { parseAccessItems } from '../src/access/parse-access';
import { needsInteraction, DEFAULT_INTERACTION_POLICY } from '../src/access/policy';
import { resolveSettings } from '../src/config';
import { describeGrant } from '../src/interaction/describe-grant';
import { escapeHtml } from '../src/interaction/consent-page';
import { readSessionCookie, csrfToken, isValidCsrfToken } from '../src/interaction/session';
import {
  finishHash,
  grantCovers,
  isGnapError,
  isRepeatingInterval,
  matchAccess,
  parseRepeatingInterval,
  AuthConfigError,
  type AccessItem,
} from '../src';
import type { Knex } from 'knex';
import pino from 'pino';

describe('parseRepeatingInterval', () => {
  it('reads the three forms and the repetition count', () => {
    expect(parseRepeatingInterval('R12/2019-08-24T14:15:22Z/P1M')).toEqual({
      repetitions: 12,
      start: new Date('2019-08-24T14:15:22Z'),
      duration: { years: 0, months: 1, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 },
    });
    expect(parseRepeatingInterval('R/2017-03-01T13:00:00Z/2018-05-11T15:30:00Z')).toEqual({
      repetitions: null,
      start: new Date('2017-03-01T13:00:00Z'),
      end: new Date('2018-05-11T15:30:00Z'),
    });
    expect(parseRepeatingInterval('R-1/P1Y2M10DT2H30M/2022-05-11T15:30:00-03:30')).toEqual({
      repetitions: null,
      duration: { years: 1, months: 2, weeks: 0, days: 10, hours: 2, minutes: 30, seconds: 0 },
      end: new Date('2022-05-11T19:00:00Z'),
    });
    expect(parseRepeatingInterval('R0/2024-02-29/PT0.5S').start).toEqual(new Date('2024-02-29T00:00:00Z'));
    expect(parseRepeatingInterval('R2/2024-01-01T00:00:00.250Z/P2W').start).toEqual(
      new Date('2024-01-01T00:00:00.250Z'),
    );
  });

  it.each([
    '',
    'P1M',
    'R12/2019-08-24T14:15:22Z',
    'R12/2019-08-24T14:15:22Z/P1M/x',
    'X/2019-08-24T14:15:22Z/P1M',
    'R-2/2019-08-24T14:15:22Z/P1M',
    'R01/2019-08-24T14:15:22Z/P1M',
    'R/P1M/P1D',
    'R/2019-08-24T14:15:22/P1M',
    'R/2023-02-29T00:00:00Z/P1M',
    'R/2019-13-01T00:00:00Z/P1M',
    'R/2019-08-24T24:00:00Z/P1M',
    'R/2019-08-24T14:15:22+25:00/P1M',
    'R/2019-08-24T14:15:22Z/P',
    'R/2019-08-24T14:15:22Z/PT',
    'R/2019-08-24T14:15:22Z/P1DT',
    'R/2019-08-24T14:15:22Z/P0Y0M',
    'R/2019-08-24T14:15:22Z/P1.5M',
    'R/2019-08-24T14:15:22Z/1M',
    'R/20190824T141522Z/P1M',
    'R/2020-01-01T00:00:00Z/2020-01-01T00:00:00Z',
  ])('refuses %j', (text) => {
    expect(isRepeatingInterval(text)).toBe(false);
  });
});

describe('describeInterval', () => {
  it('spells out period, start and count', () => {
    expect(describeInterval('R12/2019-08-24T14:15:22Z/P1M')).toBe(
      'every 1 month from 2019-08-24 14:15:22 UTC, 13 periods in all',
    );
    expect(describeInterval('R0/2026-01-01/P1DT12H')).toBe(
      'every 1 day 12 hours from 2026-01-01 00:00 UTC, 1 period in all',
    );
    expect(describeInterval('R/P2W/2026-06-01T00:00:00Z')).toBe(
      'every 2 weeks up to 2026-06-01 00:00 UTC, repeating without end',
    );
    expect(describeInterval('R1/2026-01-01T00:00:00Z/2026-01-02T00:00:00Z')).toBe(
      'the period 2026-01-01 00:00 UTC to 2026-01-02 00:00 UTC and repetitions of its length, 2 periods in all',
    );
  });
});

describe('amounts', () => {
  it('accepts exactly the canonical uint64 strings', () => {
    expect(isUint64String('0')).toBe(true);
    expect(isUint64String('18446744073709551615')).toBe(true);
    for (const bad of ['18446744073709551616', '01', '-1', '1.0', ' 1', '1e3', '', 5]) {
      expect(isUint64String(bad)).toBe(false);
    }
  });

  it('formats with the asset scale and thousands separators', () => {
    expect(formatAmount({ value: '123456', assetCode: 'EUR', assetScale: 2 })).toBe('1,234.56 EUR');
    expect(formatAmount({ value: '5', assetCode: 'USD', assetScale: 2 })).toBe('0.05 USD');
    expect(formatAmount({ value: '1000000', assetCode: 'XRP', assetScale: 0 })).toBe('1,000,000 XRP');
    expect(formatAmount({ value: '1', assetCode: 'BTC', assetScale: 9 })).toBe('0.000000001 BTC');
  });
});

describe('access matching (introspection)', () => {
  const wallet = 'https://wallet.example/alice';
  const limits = { debitAmount: { value: '100', assetCode: 'USD', assetScale: 2 }, interval: 'R/2026-01-01/P1M' };
  const outgoing: AccessItem = {
    type: 'outgoing-payment',
    actions: ['create', 'read-all'],
    identifier: wallet,
    limits,
  };
  const incoming: AccessItem = { type: 'incoming-payment', actions: ['create', 'list-all'] };

  it('read-all covers read and list-all covers list, never the other way round', () => {
    expect(grantCovers(outgoing, { type: 'outgoing-payment', actions: ['read'], identifier: wallet })).toBe(true);
    expect(grantCovers(incoming, { type: 'incoming-payment', actions: ['list'] })).toBe(true);
    const onlyRead: AccessItem = { type: 'incoming-payment', actions: ['read'] };
    expect(grantCovers(onlyRead, { type: 'incoming-payment', actions: ['read-all'] })).toBe(false);
    expect(grantCovers(incoming, { type: 'incoming-payment', actions: ['complete'] })).toBe(false);
  });

  it('needs the identifier the grant names, and any when it names none', () => {
    expect(grantCovers(outgoing, { type: 'outgoing-payment', actions: ['create'], identifier: `${wallet}x` })).toBe(
      false,
    );
    expect(grantCovers(incoming, { type: 'incoming-payment', actions: ['create'], identifier: wallet })).toBe(true);
    expect(grantCovers(incoming, { type: 'outgoing-payment', actions: ['create'], identifier: wallet })).toBe(false);
  });

  it('compares limits only when the request names them', () => {
    const request = { type: 'outgoing-payment' as const, actions: ['create' as const], identifier: wallet };
    expect(
      grantCovers(outgoing, { ...request, limits: { interval: limits.interval, debitAmount: limits.debitAmount } }),
    ).toBe(true);
    expect(grantCovers(outgoing, { ...request, limits: { debitAmount: limits.debitAmount } })).toBe(false);
  });

  it('returns every granted item when nothing is requested', () => {
    expect(matchAccess([outgoing, incoming], undefined)).toEqual([outgoing, incoming]);
    expect(matchAccess([outgoing, incoming], [{ type: 'incoming-payment', actions: ['list'] }])).toEqual([incoming]);
  });
});

describe('access validation and policy', () => {
  it('keeps only the spec fields, in canonical form', () => {
    expect(
      parseAccessItems(
        [
          { type: 'incoming-payment', actions: ['read'] },
          { type: 'quote', actions: ['create', 'read-all'] },
        ],
        'access',
      ),
    ).toEqual([
      { type: 'incoming-payment', actions: ['read'] },
      { type: 'quote', actions: ['create', 'read-all'] },
    ]);
  });

  it('refuses duplicate items', () => {
    const item = { type: 'quote', actions: ['create'] };
    expect(() => parseAccessItems([item, { ...item }], 'access')).toThrow(/repeats an earlier item/);
    try {
      parseAccessItems([item, item], 'access');
    } catch (error) {
      expect(isGnapError(error, 'invalid_request')).toBe(true);
    }
  });

  it('asks for interaction for outgoing payments and list-all of incoming payments only', () => {
    const policy = DEFAULT_INTERACTION_POLICY;
    expect(needsInteraction({ type: 'outgoing-payment', actions: ['read'], identifier: 'https://w/a' }, policy)).toBe(
      true,
    );
    expect(needsInteraction({ type: 'incoming-payment', actions: ['create', 'read', 'list'] }, policy)).toBe(false);
    expect(needsInteraction({ type: 'incoming-payment', actions: ['read-all'] }, policy)).toBe(false);
    expect(needsInteraction({ type: 'incoming-payment', actions: ['list-all'] }, policy)).toBe(true);
    expect(needsInteraction({ type: 'quote', actions: ['create', 'read-all'] }, policy)).toBe(false);
    expect(needsInteraction({ type: 'quote', actions: ['create'] }, { ...policy, quote: true })).toBe(true);
  });
});

describe('finishHash', () => {
  it("matches the Open Payments docs example, in Rafiki's standard base64 with padding", () => {
    const hash = finishHash(
      'VJLO6A4CATR0KRO',
      'MBDOFXG4Y5CVJCX821LH',
      '4IFWWIKYB2PQ6U56NL1',
      'https://server.example.com/tx',
    );
    expect(hash).toBe('x+gguKWTj8rQf7d7i3w3UhzvuJ5bpOlKyAlVpLxBffY=');
    // RFC 9635's base64url form of the same digest, for clients that check that one.
    expect(Buffer.from(hash, 'base64').toString('base64url')).toBe('x-gguKWTj8rQf7d7i3w3UhzvuJ5bpOlKyAlVpLxBffY');
    expect(hash).toBe(
      createHash('sha256')
        .update('VJLO6A4CATR0KRO\nMBDOFXG4Y5CVJCX821LH\n4IFWWIKYB2PQ6U56NL1\nhttps://server.example.com/tx')
        .digest('base64'),
    );
  });
});

describe('consent wording', () => {
  it('describes each access item and the limits in plain words', () => {
    const sections = describeGrant(
      [
        {
          type: 'outgoing-payment',
          actions: ['create'],
          identifier: 'https://w.example/alice',
          limits: { debitAmount: { value: '2500', assetCode: 'USD', assetScale: 2 } },
        },
        { type: 'incoming-payment', actions: ['list-all'], identifier: 'https://w.example/alice' },
      ],
      { sub_ids: [{ id: 'https://w.example/alice', format: 'uri' }] },
    );
    expect(sections).toEqual([
      {
        title: 'Send payments',
        walletAddress: 'https://w.example/alice',
        items: ['send payments', 'at most 25.00 USD taken from your account in total'],
      },
      { title: 'Receive payments', walletAddress: 'https://w.example/alice', items: ['list all incoming payments'] },
      {
        title: 'Confirm who you are',
        walletAddress: 'https://w.example/alice',
        items: ['learn that you control this wallet address'],
      },
    ]);
    const unlimited = describeGrant(
      [{ type: 'outgoing-payment', actions: ['create'], identifier: 'https://w/a' }],
      null,
    );
    expect(unlimited[0].items).toContain('no limit on the amount');
  });

  it('escapes HTML', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe(
      '&#60;a href=&#34;x&#34; onclick=&#39;y&#39;&#62;&#38;&#60;/a&#62;',
    );
  });
});

describe('session cookie', () => {
  it('reads only a well-formed session cookie among others', () => {
    const token = 'a'.repeat(43);
    expect(readSessionCookie(`x=1; sluice_interaction=${token}; y=2`)).toBe(token);
    expect(readSessionCookie('sluice_interaction=short')).toBeUndefined();
    expect(readSessionCookie('sluice_interaction=<script>aaaaaaaaaaaaaaaaaaaaaaaaaaaa')).toBeUndefined();
    expect(readSessionCookie(undefined)).toBeUndefined();
  });

  it('binds the CSRF token to the session', () => {
    const session = 'b'.repeat(43);
    expect(isValidCsrfToken(session, csrfToken(session))).toBe(true);
    expect(isValidCsrfToken('c'.repeat(43), csrfToken(session))).toBe(false);
    expect(isValidCsrfToken(session, undefined)).toBe(false);
  });
});

describe('settings', () => {
  const base = {
    knex: {} as Knex,
    logger: pino({ level: 'silent' }),
    authServerUrl: 'https://auth.example',
    interactionUrl: 'https://auth.example/interaction/',
    idpSecret: 'a-long-enough-secret',
  };

  it('normalizes the public URLs', () => {
    const settings = resolveSettings(base);
    expect(settings.grantEndpointUrl).toBe('https://auth.example/');
    expect(settings.grantBaseUrl).toBe('https://auth.example');
    expect(settings.interactionBaseUrl).toBe('https://auth.example/interaction');
    expect(resolveSettings({ ...base, authServerUrl: 'https://example.com/auth' }).grantEndpointUrl).toBe(
      'https://example.com/auth',
    );
    expect(settings.accessTokenExpirySeconds).toBe(600);
    expect(settings.waitSeconds).toBe(5);
  });

  it('refuses unusable settings', () => {
    expect(() => resolveSettings({ ...base, authServerUrl: 'ftp://auth.example' })).toThrow(AuthConfigError);
    expect(() => resolveSettings({ ...base, authServerUrl: 'https://auth.example/?x=1' })).toThrow(AuthConfigError);
    expect(() => resolveSettings({ ...base, idpSecret: 'short' })).toThrow(AuthConfigError);
    expect(() => resolveSettings({ ...base, waitSeconds: -1 })).toThrow(AuthConfigError);
    expect(() => resolveSettings({ ...base, accessTokenExpirySeconds: 1.5 })).toThrow(AuthConfigError);
  });
});
