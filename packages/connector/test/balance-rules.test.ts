import fc from 'fast-check';
import { UINT64_MAX } from '../src/amounts';
import {
  applyHold,
  applyPost,
  applyRelease,
  availableToDebit,
  holdsOfLegs,
  refuseHold,
  type AccountState,
} from '../src/ledger/balance-rules';

function account(overrides: Partial<AccountState> = {}): AccountState {
  return {
    id: 'a',
    assetId: 'x',
    balance: 0n,
    debitsPending: 0n,
    creditsPending: 0n,
    minBalance: 0n,
    maxBalance: null,
    ...overrides,
  };
}

describe('holdsOfLegs', () => {
  test('nets each account: a same-asset packet leaves the liquidity account only the difference', () => {
    const holds = holdsOfLegs([
      { debitAccountId: 'in', creditAccountId: 'liq', amount: 100n },
      { debitAccountId: 'liq', creditAccountId: 'out', amount: 98n },
    ]);
    expect(holds).toEqual(
      new Map([
        ['in', { debit: 100n, credit: 0n }],
        ['liq', { debit: 0n, credit: 2n }],
        ['out', { debit: 0n, credit: 98n }],
      ]),
    );
  });

  test('an account that nets to zero holds nothing', () => {
    const holds = holdsOfLegs([
      { debitAccountId: 'in', creditAccountId: 'liq', amount: 5n },
      { debitAccountId: 'liq', creditAccountId: 'out', amount: 5n },
    ]);
    expect(holds.has('liq')).toBe(false);
  });

  test('holds always sum to zero per set of legs (double entry)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            debitAccountId: fc.constantFrom('a', 'b', 'c', 'd'),
            creditAccountId: fc.constantFrom('a', 'b', 'c', 'd'),
            amount: fc.bigInt({ min: 1n, max: UINT64_MAX }),
          }),
          { maxLength: 6 },
        ),
        (legs) => {
          let sum = 0n;
          for (const hold of holdsOfLegs(legs).values()) sum += hold.credit - hold.debit;
          return sum === 0n;
        },
      ),
    );
  });
});

describe('refuseHold', () => {
  test('a debit may use the balance down to minBalance, no further', () => {
    expect(refuseHold(account({ balance: 100n }), { debit: 100n, credit: 0n })).toBeUndefined();
    expect(refuseHold(account({ balance: 100n }), { debit: 101n, credit: 0n })).toBe('min_balance');
  });

  test('pending debits count against the balance; pending credits do not count as spendable', () => {
    expect(refuseHold(account({ balance: 100n, debitsPending: 60n }), { debit: 41n, credit: 0n })).toBe('min_balance');
    expect(refuseHold(account({ balance: 0n, creditsPending: 500n }), { debit: 1n, credit: 0n })).toBe('min_balance');
  });

  test('a credit line (negative minBalance) lets the balance go below zero', () => {
    expect(refuseHold(account({ minBalance: -50n }), { debit: 50n, credit: 0n })).toBeUndefined();
    expect(refuseHold(account({ minBalance: -50n }), { debit: 51n, credit: 0n })).toBe('min_balance');
  });

  test('no lower limit at all (settlement accounts)', () => {
    expect(refuseHold(account({ minBalance: null }), { debit: UINT64_MAX, credit: 0n })).toBeUndefined();
  });

  test('credits respect maxBalance, counting pending credits', () => {
    expect(refuseHold(account({ maxBalance: 100n, creditsPending: 50n }), { debit: 0n, credit: 50n })).toBeUndefined();
    expect(refuseHold(account({ maxBalance: 100n, creditsPending: 50n }), { debit: 0n, credit: 51n })).toBe(
      'max_balance',
    );
  });

  test('the UInt64 range bounds balances and pending amounts', () => {
    expect(refuseHold(account({ balance: UINT64_MAX, maxBalance: null }), { debit: 0n, credit: 1n })).toBe(
      'out_of_range',
    );
    expect(refuseHold(account({ minBalance: null, balance: -UINT64_MAX }), { debit: 1n, credit: 0n })).toBe(
      'out_of_range',
    );
  });
});

describe('hold, post and release', () => {
  test('post moves the held amount into the balance; release gives it back', () => {
    const a = account({ balance: 100n });
    applyHold(a, { debit: 30n, credit: 0n });
    expect(availableToDebit(a)).toBe(70n);
    applyPost(a, { debit: 30n, credit: 0n });
    expect(a).toMatchObject({ balance: 70n, debitsPending: 0n });
    applyHold(a, { debit: 0n, credit: 5n });
    applyRelease(a, { debit: 0n, credit: 5n });
    expect(a).toMatchObject({ balance: 70n, creditsPending: 0n });
  });

  test('any sequence of admitted holds, posts and releases keeps the account within its limits', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -1000n, max: 0n }),
        fc.array(
          fc.record({
            debit: fc.bigInt({ min: 0n, max: 400n }),
            credit: fc.bigInt({ min: 0n, max: 400n }),
            post: fc.boolean(),
          }),
        ),
        (minBalance, steps) => {
          const a = account({ minBalance, maxBalance: 1000n });
          for (const step of steps) {
            const hold = { debit: step.debit, credit: step.credit };
            if (refuseHold(a, hold)) continue;
            applyHold(a, hold);
            if (step.post) applyPost(a, hold);
            else applyRelease(a, hold);
            if (a.balance - a.debitsPending < minBalance || a.balance + a.creditsPending > 1000n) return false;
          }
          return a.debitsPending === 0n && a.creditsPending === 0n;
        },
      ),
    );
  });
});
