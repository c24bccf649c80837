import { formatAmount } from '../access/amount';
import { describeInterval } from '../access/describe-interval';
import type { AccessItem, SubjectRequest } from '../access/types';

/** One block of the consent screen: what the client may do, for whom, and within which limits. */
export interface ConsentSection {
  title: string;
  walletAddress?: string;
  items: string[];
}

const INCOMING_ACTIONS: Record<string, string> = {
  create: 'create incoming payments (requests to be paid)',
  complete: 'mark incoming payments as complete',
  read: 'see the incoming payments it created',
  'read-all': 'see all incoming payments',
  list: 'list the incoming payments it created',
  'list-all': 'list all incoming payments',
};

const OUTGOING_ACTIONS: Record<string, string> = {
  create: 'send payments',
  read: 'see the payments it sent',
  'read-all': 'see all outgoing payments',
  list: 'list the payments it sent',
  'list-all': 'list all outgoing payments',
};

const QUOTE_ACTIONS: Record<string, string> = {
  create: 'get quotes (prices of payments)',
  read: 'see the quotes it got',
  'read-all': 'see all quotes',
};

/** The grant in plain words, one section per access item and one for a subject request. */
export function describeGrant(access: AccessItem[], subject: SubjectRequest | null): ConsentSection[] {
  const sections = access.map(describeItem);
  if (subject !== null) {
    for (const { id } of subject.sub_ids) {
      sections.push({
        title: 'Confirm who you are',
        walletAddress: id,
        items: ['learn that you control this wallet address'],
      });
    }
  }
  return sections;
}

function describeItem(item: AccessItem): ConsentSection {
  switch (item.type) {
    case 'incoming-payment':
      return {
        title: 'Receive payments',
        walletAddress: item.identifier,
        items: item.actions.map((action) => INCOMING_ACTIONS[action]),
      };
    case 'quote':
      return { title: 'Quotes', items: item.actions.map((action) => QUOTE_ACTIONS[action]) };
    case 'outgoing-payment': {
      const items = item.actions.map((action) => OUTGOING_ACTIONS[action]);
      const limits = item.limits ?? {};
      const per = limits.interval === undefined ? 'in total' : 'per period';
      if (limits.debitAmount) items.push(`at most ${formatAmount(limits.debitAmount)} taken from your account ${per}`);
      if (limits.receiveAmount)
        items.push(`at most ${formatAmount(limits.receiveAmount)} delivered to recipients ${per}`);
      if (!limits.debitAmount && !limits.receiveAmount) items.push('no limit on the amount');
      if (limits.receiver) items.push(`only to the payment request ${limits.receiver}`);
      if (limits.interval) items.push(`periods: ${describeInterval(limits.interval)}`);
      return { title: 'Send payments', walletAddress: item.identifier, items };
    }
  }
}
