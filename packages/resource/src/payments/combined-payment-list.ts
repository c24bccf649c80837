// Incoming and outgoing payments listed together, newest first (Rafiki's `payments` admin query, served there by a
// database view). One query per page: a UNION ALL of the page of each table, by id (ids are UUIDv7, so id order is
// creation order), merged and cut to the page. Each part reads its rows in index order (the primary key, or the
// (wallet_address_id, id) index when filtered by one wallet address) and stops at the page size: a page reads at most
// twice the rows it returns, however many payments there are.
import type { Knex } from 'knex';
import { bigintFromColumn } from '../amount';
import { pageOfRowsById, pageQueryById, type Page, type PageRequest } from '../pagination';
import { passesStringFilter, whereStringFilter, type StringFilter } from '../string-filter';

export type PaymentType = 'INCOMING' | 'OUTGOING';

/** What both kinds of payment have in common, as Rafiki's Payment type shows it. */
export interface CombinedPayment {
  id: string;
  type: PaymentType;
  walletAddressId: string;
  client?: string;
  /** Rafiki's state names: IncomingPaymentState (PENDING, PROCESSING, COMPLETED, EXPIRED) or OutgoingPaymentState. */
  state: string;
  metadata?: Record<string, unknown>;
  /** Incoming payments only: what it has received so far. */
  receivedAmount?: bigint;
  createdAt: Date;
}

export interface CombinedPaymentFilter {
  /** On the payment type, INCOMING or OUTGOING. */
  type?: StringFilter;
  walletAddressId?: StringFilter;
}

interface CombinedPaymentRow {
  id: string;
  type: PaymentType;
  wallet_address_id: string;
  client: string | null;
  state: string;
  metadata: Record<string, unknown> | null;
  received_amount: string | null;
  created_at: Date;
}

// An open incoming payment past its expiry is expired even before the sweep has marked it (as the service reads it).
const INCOMING_STATE = `CASE WHEN state IN ('pending', 'processing') AND expires_at <= now() THEN 'EXPIRED'
  ELSE upper(state) END`;

export function createCombinedPaymentList(deps: { knex: Knex }) {
  const { knex } = deps;

  const branch = (type: PaymentType, filter: CombinedPaymentFilter) => {
    const query =
      type === 'INCOMING'
        ? knex('incoming_payments').select(
            'id',
            knex.raw("'INCOMING'::text AS type"),
            'wallet_address_id',
            'client',
            knex.raw(`${INCOMING_STATE} AS state`),
            'metadata',
            'received_amount',
            'created_at',
          )
        : knex('outgoing_payments').select(
            'id',
            knex.raw("'OUTGOING'::text AS type"),
            'wallet_address_id',
            'client',
            'state',
            'metadata',
            knex.raw('NULL::numeric AS received_amount'),
            'created_at',
          );
    // A type the filter excludes stays in the query as a branch that reads nothing, so there is one query shape.
    if (!passesStringFilter(filter.type, type)) query.whereRaw('false');
    return whereStringFilter(query, 'wallet_address_id', filter.walletAddressId, 'uuid');
  };

  const toPayment = (row: CombinedPaymentRow): CombinedPayment => ({
    id: row.id,
    type: row.type,
    walletAddressId: row.wallet_address_id,
    client: row.client ?? undefined,
    state: row.state,
    metadata: row.metadata ?? undefined,
    receivedAmount: row.received_amount === null ? undefined : bigintFromColumn(row.received_amount),
    createdAt: row.created_at,
  });

  return {
    /** A page of payments of both kinds, newest first (`first` older than the cursor, `last` newer than it). */
    async list(filter: CombinedPaymentFilter, request: PageRequest): Promise<Page<CombinedPayment>> {
      // Each part is narrowed to the page on its own (so that it can use its index), then the whole again.
      const parts = [
        pageQueryById(branch('INCOMING', filter), request),
        pageQueryById(branch('OUTGOING', filter), request),
      ];
      const payments = knex.select('*').from(knex.unionAll(parts, true).as('payments'));
      const rows = (await pageQueryById(payments, { ...request, cursor: undefined })) as CombinedPaymentRow[];
      const page = pageOfRowsById(rows, request);
      return { items: page.items.map(toPayment), pageInfo: page.pageInfo };
    },
  };
}

export type CombinedPaymentList = ReturnType<typeof createCombinedPaymentList>;
