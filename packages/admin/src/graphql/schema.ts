// The admin API's schema. Operation names, argument and input field names and result shapes are those of Rafiki's
// backend admin API, so existing Rafiki clients work unchanged; only the operations Sluice can serve are declared
// (see the README for those not yet here). Two additions: CreateWalletAddressInput and WalletAddress accept/return
// `url` as well as `address` (older Rafiki versions used `url`), and SERVICE_UNAVAILABLE errors (see errors.ts).
export const typeDefs = /* GraphQL */ `
  "Unsigned 8-bit integer, 0 to 255."
  scalar UInt8

  "Unsigned 64-bit integer. Results are decimal strings; arguments may be decimal strings or integer literals."
  scalar UInt64

  "A JSON object."
  scalar JSONObject

  type Query {
    "An asset by id."
    asset(id: String!): Asset
    "The asset with this code and scale, or null."
    assetByCodeAndScale(code: String!, scale: UInt8!): Asset
    "A page of assets."
    assets(
      after: String
      before: String
      first: Int
      last: Int
      sortOrder: SortOrder
      tenantId: String
    ): AssetsConnection!

    "A peer by id."
    peer(id: String!): Peer
    "The peer with this ILP address in this asset, or null."
    peerByAddressAndAsset(staticIlpAddress: String!, assetId: String!): Peer
    "A page of peers."
    peers(after: String, before: String, first: Int, last: Int, sortOrder: SortOrder, tenantId: ID): PeersConnection!

    "A wallet address by id."
    walletAddress(id: String!): WalletAddress
    "The wallet address at this URL, or null."
    walletAddressByUrl(url: String!): WalletAddress
    "Sluice addition: the wallet address named by a payment pointer, a URL, or an ILP address at or below its own."
    resolveAddress(name: String!): WalletAddress
    "The outgoing payment with this id."
    outgoingPayment(id: String!): OutgoingPayment
    "A page of the outgoing payments of every wallet address, newest first by default, optionally filtered."
    outgoingPayments(
      after: String
      before: String
      first: Int
      last: Int
      sortOrder: SortOrder
      filter: OutgoingPaymentFilter
      tenantId: String
    ): OutgoingPaymentConnection!
    "The quote with this id."
    quote(id: String!): Quote
    "A page of wallet addresses."
    walletAddresses(
      after: String
      before: String
      first: Int
      last: Int
      sortOrder: SortOrder
      tenantId: String
    ): WalletAddressesConnection!

    "An incoming payment by id."
    incomingPayment(id: String!): IncomingPayment
    "An incoming payment by its URL, on this server or on another Open Payments server (read with a grant of Sluice's)."
    receiver(id: String!): Receiver

    "A page of payments, incoming and outgoing together, newest first by default, optionally filtered."
    payments(
      after: String
      before: String
      first: Int
      last: Int
      sortOrder: SortOrder
      filter: PaymentFilter
      tenantId: String
    ): PaymentConnection!

    "A page of webhook events (the event log), optionally only some types."
    webhookEvents(
      after: String
      before: String
      first: Int
      last: Int
      sortOrder: SortOrder
      filter: WebhookEventFilter
      tenantId: String
    ): WebhookEventsConnection!

    "Who the signed request acts as. A Sluice instance has one tenant, its operator."
    whoami: WhoamiResponse!

    """
    The newest movements of one ledger account (default 20, at most 10000; debits and credits counted together),
    newest first: posted ones, and pending two-phase ones that have not expired. The account is named by the id of
    its peer, its asset (the asset's liquidity account), its wallet address, its outgoing payment, or its own id;
    both lists are empty for an id no account has.
    """
    accountingTransfers(id: String!, limit: Int): AccountingTransferConnection!
  }

  type AccountingTransferConnection {
    "Movements out of the account."
    debits: [AccountingTransfer!]!
    "Movements into the account."
    credits: [AccountingTransfer!]!
  }

  type AccountingTransfer implements Model {
    "The transfer's id; a packet's second leg (out of the connector) gets a UUID derived from the packet's."
    id: ID!
    "The debited account, by the id accountingTransfers takes for it."
    debitAccountId: ID!
    "The credited account, by the id accountingTransfers takes for it."
    creditAccountId: ID!
    amount: UInt64!
    "The ledger number of the accounts' asset."
    ledger: UInt8!
    transferType: TransferType!
    state: TransferState!
    "A two-phase transfer's deadline."
    expiresAt: String
    createdAt: String!
  }

  enum TransferType {
    DEPOSIT
    WITHDRAWAL
    TRANSFER
  }

  enum TransferState {
    PENDING
    POSTED
    VOIDED
  }

  type Mutation {
    createAsset(input: CreateAssetInput!): AssetMutationResponse!
    updateAsset(input: UpdateAssetInput!): AssetMutationResponse!
    deleteAsset(input: DeleteAssetInput!): DeleteAssetMutationResponse!
    depositAssetLiquidity(input: DepositAssetLiquidityInput!): LiquidityMutationResponse
    createAssetLiquidityWithdrawal(input: CreateAssetLiquidityWithdrawalInput!): LiquidityMutationResponse

    createPeer(input: CreatePeerInput!): CreatePeerMutationResponse!
    updatePeer(input: UpdatePeerInput!): UpdatePeerMutationResponse!
    deletePeer(input: DeletePeerInput!): DeletePeerMutationResponse!
    "Rafiki's auto-peering: asks the node at peerUrl to peer in the asset and creates (or re-peers) it here."
    createOrUpdatePeerByUrl(input: CreateOrUpdatePeerByUrlInput!): CreateOrUpdatePeerByUrlMutationResponse!
    depositPeerLiquidity(input: DepositPeerLiquidityInput!): LiquidityMutationResponse
    createQuote(input: CreateQuoteInput!): QuoteResponse!
    createOutgoingPayment(input: CreateOutgoingPaymentInput!): OutgoingPaymentResponse!
    createOutgoingPaymentFromIncomingPayment(
      input: CreateOutgoingPaymentFromIncomingPaymentInput!
    ): OutgoingPaymentResponse!
    """
    Withdraws out of Sluice's ledger (two-phase when timeoutSeconds > 0) all of a wallet address's liquidity: its
    balance (PAYMENT_FUNDING=ledger), or what it received over SPSP, as wallet_address.web_monetization events announce
    (PAYMENT_FUNDING=webhook).
    """
    createWalletAddressWithdrawal(input: CreateWalletAddressWithdrawalInput!): WalletAddressWithdrawalMutationResponse
    "Pays out what a completed or expired incoming payment received (webhook funding), once per payment."
    createIncomingPaymentWithdrawal(input: CreateIncomingPaymentWithdrawalInput!): LiquidityMutationResponse
    "Takes out what a finished outgoing payment left unsent (webhook funding), once per payment."
    createOutgoingPaymentWithdrawal(input: CreateOutgoingPaymentWithdrawalInput!): LiquidityMutationResponse
    "Deprecated by Rafiki: depositOutgoingPaymentLiquidity for the payment of an outgoing_payment.created event."
    depositEventLiquidity(input: DepositEventLiquidityInput!): LiquidityMutationResponse
      @deprecated(reason: "Use depositOutgoingPaymentLiquidity")
    """
    Deprecated by Rafiki: the payout an event announces (incoming payment completed or expired, outgoing payment
    completed or failed, wallet address Web Monetization), through the withdrawal that replaced it; once per payment or
    event.
    """
    withdrawEventLiquidity(input: WithdrawEventLiquidityInput!): LiquidityMutationResponse
      @deprecated(
        reason: "Use createIncomingPaymentWithdrawal, createOutgoingPaymentWithdrawal or createWalletAddressWithdrawal"
      )
    "Cancels an outgoing payment still waiting for funds (FUNDING)."
    cancelOutgoingPayment(input: CancelOutgoingPaymentInput!): OutgoingPaymentResponse!
    "Funds an outgoing payment waiting in FUNDING with its debit amount (PAYMENT_FUNDING=webhook); it then starts."
    depositOutgoingPaymentLiquidity(input: DepositOutgoingPaymentLiquidityInput!): LiquidityMutationResponse
    "Credits a wallet address's balance (PAYMENT_FUNDING=ledger): money the operator brings into Sluice's ledger."
    depositWalletAddressLiquidity(input: DepositWalletAddressLiquidityInput!): LiquidityMutationResponse
    createPeerLiquidityWithdrawal(input: CreatePeerLiquidityWithdrawalInput!): LiquidityMutationResponse

    "Posts a pending liquidity withdrawal (second phase)."
    postLiquidityWithdrawal(input: PostLiquidityWithdrawalInput!): LiquidityMutationResponse
    "Voids a pending liquidity withdrawal: the amount goes back."
    voidLiquidityWithdrawal(input: VoidLiquidityWithdrawalInput!): LiquidityMutationResponse

    createWalletAddress(input: CreateWalletAddressInput!): CreateWalletAddressMutationResponse!
    "Writes now up to limit wallet_address.web_monetization events that are due; count is how many."
    triggerWalletAddressEvents(input: TriggerWalletAddressEventsInput!): TriggerWalletAddressEventsMutationResponse!
    updateWalletAddress(input: UpdateWalletAddressInput!): UpdateWalletAddressMutationResponse!
    "Registers a public key that signs the wallet address's Open Payments requests."
    createWalletAddressKey(input: CreateWalletAddressKeyInput!): CreateWalletAddressKeyMutationResponse
    revokeWalletAddressKey(input: RevokeWalletAddressKeyInput!): RevokeWalletAddressKeyMutationResponse

    "Creates an incoming payment at a wallet address of this server."
    createIncomingPayment(input: CreateIncomingPaymentInput!): IncomingPaymentResponse!
    "Creates an incoming payment at a wallet address on this server or on another Open Payments server."
    createReceiver(input: CreateReceiverInput!): CreateReceiverResponse!
    "Replaces an incoming payment's metadata."
    updateIncomingPayment(input: UpdateIncomingPaymentInput!): IncomingPaymentResponse!
    "Approves a PENDING incoming payment (its creation may be waiting for this: POLL_INCOMING_PAYMENT_CREATED_WEBHOOK)."
    approveIncomingPayment(input: ApproveIncomingPaymentInput!): ApproveIncomingPaymentResponse!
    "Cancels a PENDING incoming payment: it expires at once and takes no money."
    cancelIncomingPayment(input: CancelIncomingPaymentInput!): CancelIncomingPaymentResponse!

    "Sets the fee of an asset (a new fee version takes effect for new quotes)."
    setFee(input: SetFeeInput!): SetFeeResponse!
  }

  enum SortOrder {
    ASC
    DESC
  }

  interface Model {
    id: ID!
    createdAt: String!
  }

  type PageInfo {
    "Forward: the cursor to continue after."
    endCursor: String
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    "Backward: the cursor to continue before."
    startCursor: String
  }

  type WhoamiResponse {
    id: String!
    isOperator: Boolean!
  }

  type Asset implements Model {
    id: ID!
    code: String!
    scale: UInt8!
    "Balance of the asset's liquidity account."
    liquidity: UInt64
    withdrawalThreshold: UInt64
    liquidityThreshold: UInt64
    receivingFee: Fee
    sendingFee: Fee
    "Every fee set on the asset, both types, newest first by default."
    fees(after: String, before: String, first: Int, last: Int, sortOrder: SortOrder): FeesConnection
    createdAt: String!
    tenantId: ID!
  }

  type FeesConnection {
    pageInfo: PageInfo!
    edges: [FeeEdge!]!
  }

  type FeeEdge {
    node: Fee!
    cursor: String!
  }

  type AssetsConnection {
    pageInfo: PageInfo!
    edges: [AssetEdge!]!
  }

  type AssetEdge {
    node: Asset!
    cursor: String!
  }

  input CreateAssetInput {
    code: String!
    scale: UInt8!
    withdrawalThreshold: UInt64
    liquidityThreshold: UInt64
    idempotencyKey: String
    tenantId: ID
  }

  input UpdateAssetInput {
    id: String!
    withdrawalThreshold: UInt64
    liquidityThreshold: UInt64
    idempotencyKey: String
  }

  type AssetMutationResponse {
    asset: Asset
  }

  input DeleteAssetInput {
    id: ID!
    idempotencyKey: String
  }

  type DeleteAssetMutationResponse {
    asset: Asset
  }

  type Peer implements Model {
    id: ID!
    maxPacketAmount: UInt64
    http: Http!
    asset: Asset!
    staticIlpAddress: String!
    name: String
    liquidityThreshold: UInt64
    "Balance of the peer's account."
    liquidity: UInt64
    createdAt: String!
    tenantId: ID!
  }

  type Http {
    outgoing: HttpOutgoing!
  }

  type HttpOutgoing {
    authToken: String!
    endpoint: String!
  }

  type PeersConnection {
    pageInfo: PageInfo!
    edges: [PeerEdge!]!
  }

  type PeerEdge {
    node: Peer!
    cursor: String!
  }

  input HttpInput {
    incoming: HttpIncomingInput
    outgoing: HttpOutgoingInput!
  }

  input HttpIncomingInput {
    "Tokens the peer presents to this server."
    authTokens: [String!]!
  }

  input HttpOutgoingInput {
    "Token this server presents to the peer."
    authToken: String!
    endpoint: String!
  }

  input CreatePeerInput {
    maxPacketAmount: UInt64
    http: HttpInput!
    assetId: String!
    staticIlpAddress: String!
    name: String
    liquidityThreshold: UInt64
    initialLiquidity: UInt64
    idempotencyKey: String
  }

  input CreateOrUpdatePeerByUrlInput {
    maxPacketAmount: UInt64
    assetId: String!
    peerUrl: String!
    name: String
    liquidityThreshold: UInt64
    liquidityToDeposit: UInt64
    idempotencyKey: String
  }

  type CreateOrUpdatePeerByUrlMutationResponse {
    peer: Peer
  }

  input UpdatePeerInput {
    id: String!
    maxPacketAmount: UInt64
    http: HttpInput
    staticIlpAddress: String
    name: String
    liquidityThreshold: UInt64
    idempotencyKey: String
  }

  input DeletePeerInput {
    id: ID!
    idempotencyKey: String
  }

  type CreatePeerMutationResponse {
    peer: Peer
  }

  type UpdatePeerMutationResponse {
    peer: Peer
  }

  type DeletePeerMutationResponse {
    success: Boolean!
  }

  input DepositAssetLiquidityInput {
    assetId: String!
    amount: UInt64!
    "Id (UUID) of the transfer."
    id: String!
    idempotencyKey: String!
  }

  input CreateAssetLiquidityWithdrawalInput {
    assetId: String!
    amount: UInt64!
    "Id (UUID) of the withdrawal."
    id: String!
    idempotencyKey: String!
    "0: posted at once; otherwise seconds before the pending withdrawal is voided unless posted."
    timeoutSeconds: UInt64!
  }

  input DepositPeerLiquidityInput {
    peerId: String!
    amount: UInt64!
    id: String!
    idempotencyKey: String!
  }

  input DepositWalletAddressLiquidityInput {
    walletAddressId: String!
    amount: UInt64!
    id: String!
    idempotencyKey: String!
  }

  input CreatePeerLiquidityWithdrawalInput {
    peerId: String!
    amount: UInt64!
    id: String!
    idempotencyKey: String!
    timeoutSeconds: UInt64!
  }

  input PostLiquidityWithdrawalInput {
    withdrawalId: String!
    idempotencyKey: String!
  }

  input VoidLiquidityWithdrawalInput {
    withdrawalId: String!
    idempotencyKey: String!
  }

  type LiquidityMutationResponse {
    success: Boolean!
  }

  enum WalletAddressStatus {
    INACTIVE
    ACTIVE
  }

  type WalletAddress implements Model {
    id: ID!
    asset: Asset!
    """
    Balance of the wallet address's ledger account (PAYMENT_FUNDING=ledger), or of what it received over SPSP and is
    still to be withdrawn (PAYMENT_FUNDING=webhook, as Rafiki's); null when it has none yet.
    """
    liquidity: UInt64
    "The same balance (the name PAYMENT_FUNDING=ledger operators use); null when the account has none yet."
    balance: UInt64
    "Sluice addition: the ILP address STREAM payments to this wallet address are routed to."
    ilpAddress: String!
    "The wallet address URL."
    address: String!
    "The wallet address URL (the field's name in older Rafiki versions)."
    url: String!
    publicName: String
    incomingPayments(
      after: String
      before: String
      first: Int
      last: Int
      sortOrder: SortOrder
    ): IncomingPaymentConnection
    "The quotes made for the wallet address, newest first by default."
    quotes(after: String, before: String, first: Int, last: Int, sortOrder: SortOrder): QuoteConnection
    "The wallet address's outgoing payments, newest first by default."
    outgoingPayments(
      after: String
      before: String
      first: Int
      last: Int
      sortOrder: SortOrder
    ): OutgoingPaymentConnection
    createdAt: String!
    status: WalletAddressStatus!
    "The wallet address's registered keys that are not revoked."
    walletAddressKeys(
      after: String
      before: String
      first: Int
      last: Int
      sortOrder: SortOrder
    ): WalletAddressKeyConnection
    additionalProperties: [AdditionalProperty]
    tenantId: String
  }

  type AdditionalProperty {
    key: String!
    value: String!
    visibleInOpenPayments: Boolean!
  }

  input AdditionalPropertyInput {
    key: String!
    value: String!
    visibleInOpenPayments: Boolean!
  }

  type WalletAddressesConnection {
    pageInfo: PageInfo!
    edges: [WalletAddressEdge!]!
  }

  type WalletAddressEdge {
    node: WalletAddress!
    cursor: String!
  }

  input CreateWalletAddressInput {
    tenantId: ID
    assetId: String!
    "URL, payment pointer or path under OPEN_PAYMENTS_URL. Give this or url."
    address: String
    "Older Rafiki name of address."
    url: String
    publicName: String
    idempotencyKey: String
    additionalProperties: [AdditionalPropertyInput!]
  }

  input UpdateWalletAddressInput {
    id: ID!
    publicName: String
    status: WalletAddressStatus
    idempotencyKey: String
    "Replaces all additional properties."
    additionalProperties: [AdditionalPropertyInput!]
  }

  type CreateWalletAddressMutationResponse {
    walletAddress: WalletAddress
  }

  input TriggerWalletAddressEventsInput {
    "At most this many wallet addresses (1 to 1,000)."
    limit: Int!
    idempotencyKey: String
  }

  type TriggerWalletAddressEventsMutationResponse {
    count: Int
  }

  type UpdateWalletAddressMutationResponse {
    walletAddress: WalletAddress
  }

  enum Alg {
    EdDSA
  }

  enum Kty {
    OKP
  }

  enum Crv {
    Ed25519
  }

  type Jwk {
    kid: String!
    x: String!
    alg: Alg!
    kty: Kty!
    crv: Crv!
  }

  input JwkInput {
    kid: String!
    x: String!
    alg: Alg!
    kty: Kty!
    crv: Crv!
  }

  type WalletAddressKey implements Model {
    id: ID!
    walletAddressId: ID!
    jwk: Jwk!
    revoked: Boolean!
    createdAt: String!
  }

  type WalletAddressKeyConnection {
    pageInfo: PageInfo!
    edges: [WalletAddressKeyEdge!]!
  }

  type WalletAddressKeyEdge {
    node: WalletAddressKey!
    cursor: String!
  }

  input CreateWalletAddressKeyInput {
    walletAddressId: String!
    jwk: JwkInput!
    idempotencyKey: String
  }

  input RevokeWalletAddressKeyInput {
    id: String!
    idempotencyKey: String
  }

  type CreateWalletAddressKeyMutationResponse {
    walletAddressKey: WalletAddressKey
  }

  type RevokeWalletAddressKeyMutationResponse {
    walletAddressKey: WalletAddressKey
  }

  interface BasePayment {
    id: ID!
    walletAddressId: ID!
    metadata: JSONObject
    createdAt: String!
    client: String
  }

  enum IncomingPaymentState {
    PENDING
    PROCESSING
    COMPLETED
    EXPIRED
  }

  type Amount {
    value: UInt64!
    assetCode: String!
    assetScale: UInt8!
  }

  input AmountInput {
    value: UInt64!
    assetCode: String!
    assetScale: UInt8!
  }

  type IncomingPayment implements BasePayment & Model {
    id: ID!
    walletAddressId: ID!
    client: String
    "What the ledger holds for it: what it received less what createIncomingPaymentWithdrawal paid out."
    liquidity: UInt64
    state: IncomingPaymentState!
    expiresAt: String!
    incomingAmount: Amount
    receivedAmount: Amount!
    metadata: JSONObject
    createdAt: String!
    tenantId: String
  }

  type IncomingPaymentConnection {
    pageInfo: PageInfo!
    edges: [IncomingPaymentEdge!]!
  }

  type IncomingPaymentEdge {
    node: IncomingPayment!
    cursor: String!
  }

  input CreateIncomingPaymentInput {
    walletAddressId: String!
    "RFC 3339 date-time; at most 30 days ahead (the default)."
    expiresAt: String
    metadata: JSONObject
    incomingAmount: AmountInput
    idempotencyKey: String
  }

  type IncomingPaymentResponse {
    payment: IncomingPayment
  }

  "An incoming payment as Open Payments shows it, wherever it is."
  type Receiver {
    "The incoming payment's URL."
    id: String!
    walletAddressUrl: String!
    completed: Boolean!
    incomingAmount: Amount
    receivedAmount: Amount!
    expiresAt: String
    metadata: JSONObject
    createdAt: String!
  }

  input CreateReceiverInput {
    walletAddressUrl: String!
    expiresAt: String
    incomingAmount: AmountInput
    metadata: JSONObject
    idempotencyKey: String
  }

  type CreateReceiverResponse {
    receiver: Receiver
  }

  input UpdateIncomingPaymentInput {
    id: ID!
    metadata: JSONObject!
  }

  input ApproveIncomingPaymentInput {
    id: ID!
  }

  type ApproveIncomingPaymentResponse {
    payment: IncomingPayment
  }

  input CancelIncomingPaymentInput {
    id: ID!
  }

  type CancelIncomingPaymentResponse {
    payment: IncomingPayment
  }

  type Quote {
    id: ID!
    tenantId: String
    walletAddressId: ID!
    receiver: String!
    debitAmount: Amount!
    receiveAmount: Amount!
    """
    The rate the quote found, in receive-asset units per debit-asset unit (smallest units, before the slippage the
    payment may lose; fees are in debitAmount). Null for quotes made before Sluice recorded it.
    """
    estimatedExchangeRate: Float
    createdAt: String!
    expiresAt: String!
  }

  type QuoteResponse {
    quote: Quote
  }

  type QuoteConnection {
    pageInfo: PageInfo!
    edges: [QuoteEdge!]!
  }

  type QuoteEdge {
    node: Quote!
    cursor: String!
  }

  input CreateQuoteInput {
    walletAddressId: String!
    receiver: String!
    debitAmount: AmountInput
    receiveAmount: AmountInput
    idempotencyKey: String
  }

  enum OutgoingPaymentState {
    FUNDING
    SENDING
    COMPLETED
    FAILED
    CANCELLED
  }

  type OutgoingPayment implements BasePayment & Model {
    id: ID!
    tenantId: String
    walletAddressId: ID!
    client: String
    "What its ledger account holds (being sent, or left unsent until withdrawn)."
    liquidity: UInt64
    grantId: String
    state: OutgoingPaymentState!
    error: String
    stateAttempts: Int!
    receiver: String!
    debitAmount: Amount!
    receiveAmount: Amount!
    sentAmount: Amount!
    metadata: JSONObject
    quote: Quote
    createdAt: String!
  }

  type OutgoingPaymentConnection {
    pageInfo: PageInfo!
    edges: [OutgoingPaymentEdge!]!
  }

  type OutgoingPaymentEdge {
    node: OutgoingPayment!
    cursor: String!
  }

  input OutgoingPaymentFilter {
    "The incoming payment URL paid."
    receiver: FilterString
    walletAddressId: FilterString
    "FUNDING, SENDING, COMPLETED, FAILED or CANCELLED."
    state: FilterString
  }

  enum PaymentType {
    INCOMING
    OUTGOING
  }

  "An incoming or an outgoing payment, with what both have in common."
  type Payment implements BasePayment & Model {
    id: ID!
    type: PaymentType!
    walletAddressId: ID!
    client: String
    "An IncomingPaymentState or an OutgoingPaymentState, by type."
    state: String!
    "What the ledger holds for it (see IncomingPayment.liquidity and OutgoingPayment.liquidity)."
    liquidity: UInt64
    metadata: JSONObject
    createdAt: String!
  }

  type PaymentConnection {
    pageInfo: PageInfo!
    edges: [PaymentEdge!]!
  }

  type PaymentEdge {
    node: Payment!
    cursor: String!
  }

  input PaymentFilter {
    "INCOMING or OUTGOING."
    type: FilterString
    walletAddressId: FilterString
  }

  type OutgoingPaymentResponse {
    payment: OutgoingPayment
  }

  input CreateOutgoingPaymentInput {
    walletAddressId: String!
    quoteId: String!
    metadata: JSONObject
    idempotencyKey: String
  }

  input CreateOutgoingPaymentFromIncomingPaymentInput {
    walletAddressId: String!
    "The incoming payment's URL, on this server or another Open Payments server."
    incomingPayment: String!
    "What to send; omitted: what the incoming payment still expects (it must have an incomingAmount)."
    debitAmount: AmountInput
    metadata: JSONObject
    idempotencyKey: String
  }

  input CancelOutgoingPaymentInput {
    id: ID!
    reason: String
    idempotencyKey: String
  }

  input DepositOutgoingPaymentLiquidityInput {
    outgoingPaymentId: String!
    idempotencyKey: String!
  }

  input CreateWalletAddressWithdrawalInput {
    walletAddressId: String!
    id: String!
    idempotencyKey: String!
    timeoutSeconds: UInt64!
  }

  type WalletAddressWithdrawal {
    id: ID!
    amount: UInt64!
    walletAddress: WalletAddress!
  }

  type WalletAddressWithdrawalMutationResponse {
    withdrawal: WalletAddressWithdrawal
  }

  input DepositEventLiquidityInput {
    eventId: String!
    idempotencyKey: String
  }

  input WithdrawEventLiquidityInput {
    eventId: String!
    idempotencyKey: String
  }

  input CreateIncomingPaymentWithdrawalInput {
    incomingPaymentId: String!
    idempotencyKey: String!
    timeoutSeconds: UInt64!
  }

  input CreateOutgoingPaymentWithdrawalInput {
    outgoingPaymentId: String!
    idempotencyKey: String!
    timeoutSeconds: UInt64!
  }

  type WebhookEvent implements Model {
    id: ID!
    tenantId: ID!
    type: String!
    data: JSONObject!
    createdAt: String!
  }

  type WebhookEventsConnection {
    pageInfo: PageInfo!
    edges: [WebhookEventsEdge!]!
  }

  type WebhookEventsEdge {
    node: WebhookEvent!
    cursor: String!
  }

  input WebhookEventFilter {
    type: FilterString
  }

  "Keeps the items whose value is one of those in 'in' (when given and not empty) and none of those in 'notIn'."
  input FilterString {
    in: [String!]
    "Sluice addition: values to leave out."
    notIn: [String!]
  }

  enum FeeType {
    SENDING
    RECEIVING
  }

  type Fee implements Model {
    id: ID!
    assetId: ID!
    type: FeeType!
    fixed: UInt64!
    "Variable part in basis points (1/100 %), 0 to 10000."
    basisPoints: Int!
    createdAt: String!
  }

  input FeeDetails {
    fixed: UInt64!
    basisPoints: Int!
  }

  input SetFeeInput {
    assetId: ID!
    type: FeeType!
    fee: FeeDetails!
    idempotencyKey: String
  }

  type SetFeeResponse {
    fee: Fee
  }
`;
