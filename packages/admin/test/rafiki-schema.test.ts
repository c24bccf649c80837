// The schema keeps Rafiki's names: these expectations were written from Rafiki's backend schema.graphql (operation
// names, argument names, input fields, result fields), independently of src/graphql/schema.ts.
import { isEnumType, isInputObjectType, isObjectType, type GraphQLSchema } from 'graphql';
import { buildAdminSchema } from '../src/graphql/build-schema';
import { allResolvers } from '../src/resolvers';

const PAGING = ['after', 'before', 'first', 'last', 'sortOrder'];

const QUERIES: Record<string, string[]> = {
  asset: ['id'],
  assetByCodeAndScale: ['code', 'scale'],
  assets: [...PAGING, 'tenantId'],
  peer: ['id'],
  peerByAddressAndAsset: ['staticIlpAddress', 'assetId'],
  peers: [...PAGING, 'tenantId'],
  walletAddress: ['id'],
  walletAddressByUrl: ['url'],
  walletAddresses: [...PAGING, 'tenantId'],
  incomingPayment: ['id'],
  receiver: ['id'],
  outgoingPayment: ['id'],
  outgoingPayments: [...PAGING, 'filter', 'tenantId'],
  payments: [...PAGING, 'filter', 'tenantId'],
  webhookEvents: [...PAGING, 'filter', 'tenantId'],
  whoami: [],
  accountingTransfers: ['id', 'limit'],
};

const MUTATIONS: Record<string, { input: string; fields: string[]; result: string[] }> = {
  createAsset: {
    input: 'CreateAssetInput',
    fields: ['code', 'scale', 'withdrawalThreshold', 'liquidityThreshold', 'idempotencyKey', 'tenantId'],
    result: ['asset'],
  },
  updateAsset: {
    input: 'UpdateAssetInput',
    fields: ['id', 'withdrawalThreshold', 'liquidityThreshold', 'idempotencyKey'],
    result: ['asset'],
  },
  deleteAsset: { input: 'DeleteAssetInput', fields: ['id', 'idempotencyKey'], result: ['asset'] },
  depositAssetLiquidity: {
    input: 'DepositAssetLiquidityInput',
    fields: ['assetId', 'amount', 'id', 'idempotencyKey'],
    result: ['success'],
  },
  createAssetLiquidityWithdrawal: {
    input: 'CreateAssetLiquidityWithdrawalInput',
    fields: ['assetId', 'amount', 'id', 'idempotencyKey', 'timeoutSeconds'],
    result: ['success'],
  },
  createPeer: {
    input: 'CreatePeerInput',
    fields: [
      'maxPacketAmount',
      'http',
      'assetId',
      'staticIlpAddress',
      'name',
      'liquidityThreshold',
      'initialLiquidity',
      'idempotencyKey',
    ],
    result: ['peer'],
  },
  updatePeer: {
    input: 'UpdatePeerInput',
    fields: ['id', 'maxPacketAmount', 'http', 'staticIlpAddress', 'name', 'liquidityThreshold', 'idempotencyKey'],
    result: ['peer'],
  },
  deletePeer: { input: 'DeletePeerInput', fields: ['id', 'idempotencyKey'], result: ['success'] },
  createOrUpdatePeerByUrl: {
    input: 'CreateOrUpdatePeerByUrlInput',
    fields: [
      'maxPacketAmount',
      'assetId',
      'peerUrl',
      'name',
      'liquidityThreshold',
      'liquidityToDeposit',
      'idempotencyKey',
    ],
    result: ['peer'],
  },
  depositPeerLiquidity: {
    input: 'DepositPeerLiquidityInput',
    fields: ['peerId', 'amount', 'id', 'idempotencyKey'],
    result: ['success'],
  },
  createPeerLiquidityWithdrawal: {
    input: 'CreatePeerLiquidityWithdrawalInput',
    fields: ['peerId', 'amount', 'id', 'idempotencyKey', 'timeoutSeconds'],
    result: ['success'],
  },
  postLiquidityWithdrawal: {
    input: 'PostLiquidityWithdrawalInput',
    fields: ['withdrawalId', 'idempotencyKey'],
    result: ['success'],
  },
  voidLiquidityWithdrawal: {
    input: 'VoidLiquidityWithdrawalInput',
    fields: ['withdrawalId', 'idempotencyKey'],
    result: ['success'],
  },
  createWalletAddress: {
    input: 'CreateWalletAddressInput',
    fields: ['tenantId', 'assetId', 'address', 'publicName', 'idempotencyKey', 'additionalProperties'],
    result: ['walletAddress'],
  },
  updateWalletAddress: {
    input: 'UpdateWalletAddressInput',
    fields: ['id', 'publicName', 'status', 'idempotencyKey', 'additionalProperties'],
    result: ['walletAddress'],
  },
  createWalletAddressKey: {
    input: 'CreateWalletAddressKeyInput',
    fields: ['walletAddressId', 'jwk', 'idempotencyKey'],
    result: ['walletAddressKey'],
  },
  revokeWalletAddressKey: {
    input: 'RevokeWalletAddressKeyInput',
    fields: ['id', 'idempotencyKey'],
    result: ['walletAddressKey'],
  },
  createIncomingPayment: {
    input: 'CreateIncomingPaymentInput',
    fields: ['walletAddressId', 'expiresAt', 'metadata', 'incomingAmount', 'idempotencyKey'],
    result: ['payment'],
  },
  createReceiver: {
    input: 'CreateReceiverInput',
    fields: ['walletAddressUrl', 'expiresAt', 'incomingAmount', 'metadata', 'idempotencyKey'],
    result: ['receiver'],
  },
  updateIncomingPayment: { input: 'UpdateIncomingPaymentInput', fields: ['id', 'metadata'], result: ['payment'] },
  approveIncomingPayment: { input: 'ApproveIncomingPaymentInput', fields: ['id'], result: ['payment'] },
  cancelIncomingPayment: { input: 'CancelIncomingPaymentInput', fields: ['id'], result: ['payment'] },
  depositEventLiquidity: {
    input: 'DepositEventLiquidityInput',
    fields: ['eventId', 'idempotencyKey'],
    result: ['success'],
  },
  withdrawEventLiquidity: {
    input: 'WithdrawEventLiquidityInput',
    fields: ['eventId', 'idempotencyKey'],
    result: ['success'],
  },
  triggerWalletAddressEvents: {
    input: 'TriggerWalletAddressEventsInput',
    fields: ['limit', 'idempotencyKey'],
    result: ['count'],
  },
  setFee: { input: 'SetFeeInput', fields: ['assetId', 'type', 'fee', 'idempotencyKey'], result: ['fee'] },
};

const TYPES: Record<string, string[]> = {
  QuoteConnection: ['pageInfo', 'edges'],
  FeesConnection: ['pageInfo', 'edges'],
  Receiver: [
    'id',
    'walletAddressUrl',
    'completed',
    'incomingAmount',
    'receivedAmount',
    'expiresAt',
    'metadata',
    'createdAt',
  ],
  Asset: [
    'id',
    'code',
    'scale',
    'liquidity',
    'withdrawalThreshold',
    'liquidityThreshold',
    'receivingFee',
    'sendingFee',
    'fees',
    'createdAt',
    'tenantId',
  ],
  Peer: [
    'id',
    'maxPacketAmount',
    'http',
    'asset',
    'staticIlpAddress',
    'name',
    'liquidityThreshold',
    'liquidity',
    'createdAt',
    'tenantId',
  ],
  WalletAddress: [
    'id',
    'asset',
    'liquidity',
    'address',
    'publicName',
    'incomingPayments',
    'quotes',
    'outgoingPayments',
    'createdAt',
    'status',
    'walletAddressKeys',
    'additionalProperties',
    'tenantId',
  ],
  IncomingPayment: [
    'id',
    'walletAddressId',
    'client',
    'state',
    'expiresAt',
    'incomingAmount',
    'receivedAmount',
    'metadata',
    'createdAt',
    'tenantId',
    'liquidity',
  ],
  OutgoingPayment: [
    'id',
    'walletAddressId',
    'client',
    'liquidity',
    'state',
    'error',
    'stateAttempts',
    'debitAmount',
    'receiveAmount',
    'receiver',
    'metadata',
    'quote',
    'sentAmount',
    'createdAt',
    'grantId',
    'tenantId',
  ],
  Payment: ['id', 'type', 'walletAddressId', 'client', 'state', 'liquidity', 'metadata', 'createdAt'],
  PaymentConnection: ['pageInfo', 'edges'],
  PaymentEdge: ['node', 'cursor'],
  OutgoingPaymentConnection: ['pageInfo', 'edges'],
  PaymentFilter: ['type', 'walletAddressId'],
  OutgoingPaymentFilter: ['receiver', 'walletAddressId', 'state'],
  FilterString: ['in'],
  WalletAddressKey: ['id', 'walletAddressId', 'jwk', 'revoked', 'createdAt'],
  WebhookEvent: ['id', 'tenantId', 'type', 'data', 'createdAt'],
  Fee: ['id', 'assetId', 'type', 'fixed', 'basisPoints', 'createdAt'],
  PageInfo: ['endCursor', 'hasNextPage', 'hasPreviousPage', 'startCursor'],
  Amount: ['value', 'assetCode', 'assetScale'],
  Quote: [
    'id',
    'tenantId',
    'walletAddressId',
    'receiver',
    'debitAmount',
    'receiveAmount',
    'estimatedExchangeRate',
    'createdAt',
    'expiresAt',
  ],
  AccountingTransferConnection: ['debits', 'credits'],
  AccountingTransfer: [
    'id',
    'debitAccountId',
    'creditAccountId',
    'amount',
    'ledger',
    'transferType',
    'state',
    'expiresAt',
    'createdAt',
  ],
};

function fieldsOf(schema: GraphQLSchema, name: string): string[] {
  const type = schema.getType(name);
  if (isObjectType(type) || isInputObjectType(type)) return Object.keys(type.getFields());
  throw new Error(`${name} is not an object or input type`);
}

describe("the admin schema keeps Rafiki's interface", () => {
  const schema = buildAdminSchema(allResolvers);

  it.each(Object.entries(QUERIES))('Query.%s(%j)', (name, args) => {
    const field = schema.getQueryType()!.getFields()[name];
    expect(field).toBeDefined();
    expect(field.args.map((arg) => arg.name)).toEqual(expect.arrayContaining(args));
  });

  it.each(Object.entries(MUTATIONS))('Mutation.%s', (name, { input, fields, result }) => {
    const field = schema.getMutationType()!.getFields()[name];
    expect(field.args.map((arg) => [arg.name, String(arg.type)])).toEqual([['input', `${input}!`]]);
    expect(fieldsOf(schema, input)).toEqual(expect.arrayContaining(fields));
    const resultType = String(field.type).replace('!', '');
    expect(fieldsOf(schema, resultType)).toEqual(expect.arrayContaining(result));
  });

  it.each(Object.entries(TYPES))('type %s', (name, fields) => {
    expect(fieldsOf(schema, name)).toEqual(expect.arrayContaining(fields));
  });

  it('lists payments of both kinds as Rafiki types them', () => {
    const paymentType = schema.getType('PaymentType');
    expect(isEnumType(paymentType) && paymentType.getValues().map((value) => value.name)).toEqual([
      'INCOMING',
      'OUTGOING',
    ]);
    const payments = schema.getQueryType()!.getFields().payments;
    expect(String(payments.type)).toBe('PaymentConnection!');
    expect(String(payments.args.find((arg) => arg.name === 'filter')?.type)).toBe('PaymentFilter');
    expect(String(schema.getQueryType()!.getFields().outgoingPayments.type)).toBe('OutgoingPaymentConnection!');
    const payment = schema.getType('Payment');
    expect(isObjectType(payment) && payment.getInterfaces().map((type) => type.name)).toEqual(['BasePayment', 'Model']);
    expect(isObjectType(payment) && String(payment.getFields().state.type)).toBe('String!');
  });

  it("types accounting transfers with Rafiki's enums", () => {
    const values = (name: string) => {
      const type = schema.getType(name);
      return isEnumType(type) && type.getValues().map((value) => value.name);
    };
    expect(values('TransferType')).toEqual(['DEPOSIT', 'WITHDRAWAL', 'TRANSFER']);
    expect(values('TransferState')).toEqual(['PENDING', 'POSTED', 'VOIDED']);
    const field = schema.getQueryType()!.getFields().accountingTransfers;
    expect(field.args.map((arg) => [arg.name, String(arg.type)])).toEqual([
      ['id', 'String!'],
      ['limit', 'Int'],
    ]);
    expect(String(field.type)).toBe('AccountingTransferConnection!');
  });

  it('keeps money in the UInt64 scalar, never Float', () => {
    const floats: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!(isObjectType(type) || isInputObjectType(type)) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        if (String(field.type).includes('Float')) floats.push(`${type.name}.${field.name}`);
      }
    }
    // The one Float is Rafiki's too, and a rate, not money.
    expect(floats).toEqual(['Quote.estimatedExchangeRate']);
    const amountInput = schema.getType('AmountInput');
    if (!isInputObjectType(amountInput)) throw new Error('no AmountInput');
    expect(String(amountInput.getFields().value.type)).toBe('UInt64!');
  });
});
