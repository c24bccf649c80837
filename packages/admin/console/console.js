/* global window, document, sessionStorage, fetch */
// The operator console: a query explorer and read-only lists, all over this listener's /graphql, every request
// signed here with the secret the operator typed (kept in sessionStorage: this tab only, gone when it closes).
// Data is put on the page with textContent only, never as HTML.
(function () {
  'use strict';

  const SECRET_KEY = 'sluice-admin-secret';
  const $ = (selector, root) => (root || document).querySelector(selector);

  const DEFAULT_QUERY = `query WalletAddresses($first: Int) {
  walletAddresses(first: $first) {
    edges {
      node {
        id
        address
        publicName
        status
        asset { code scale }
        createdAt
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

  // ---- secret ----------------------------------------------------------------------------------------------------

  const secret = () => sessionStorage.getItem(SECRET_KEY) || '';

  function showSecretState() {
    const state = $('#secret-state');
    state.textContent = secret() ? 'secret set for this tab' : 'no secret: requests will be refused';
    state.className = secret() ? 'ok' : 'error';
  }

  $('#use-secret').addEventListener('click', () => {
    const value = $('#secret').value;
    if (value) sessionStorage.setItem(SECRET_KEY, value);
    $('#secret').value = '';
    showSecretState();
  });
  $('#secret').addEventListener('keydown', (event) => {
    if (event.key === 'Enter') $('#use-secret').click();
  });
  $('#forget-secret').addEventListener('click', () => {
    sessionStorage.removeItem(SECRET_KEY);
    showSecretState();
  });

  // ---- GraphQL ---------------------------------------------------------------------------------------------------

  const nonce = () =>
    Array.from(window.crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join(
      '',
    );

  /** Runs a signed request; resolves to { status, body } whatever the outcome. */
  async function graphql(query, variables) {
    // The nonce makes every request unique: the same body signed twice in one second would carry the same signature,
    // and the server refuses a signature it has seen (replay protection) — running a query twice must still work.
    const body = { query: query, variables: variables || {}, extensions: { nonce: nonce() } };
    const headers = { 'content-type': 'application/json' };
    if (secret()) headers.signature = await window.SluiceSigning.sign(secret(), body);
    const response = await fetch('/graphql', { method: 'POST', headers: headers, body: JSON.stringify(body) });
    let json;
    try {
      json = await response.json();
    } catch {
      json = { errors: [{ message: 'the server did not answer with JSON' }] };
    }
    return { status: response.status, body: json };
  }

  const errorText = (result) =>
    (result.body.errors || [])
      .map((error) => error.message + (error.extensions && error.extensions.code ? ` (${error.extensions.code})` : ''))
      .join('; ');

  // ---- explorer --------------------------------------------------------------------------------------------------

  $('#query').value = DEFAULT_QUERY;
  $('#variables').value = '{\n  "first": 20\n}';

  async function run() {
    const status = $('#result-status');
    let variables;
    try {
      variables = $('#variables').value.trim() ? JSON.parse($('#variables').value) : {};
    } catch (error) {
      status.textContent = 'Variables are not valid JSON: ' + error.message;
      status.className = 'error';
      return;
    }
    status.textContent = 'Running…';
    status.className = '';
    try {
      const result = await graphql($('#query').value, variables);
      status.textContent = `HTTP ${result.status}` + (result.body.errors ? ' — with errors' : '');
      status.className = result.status === 200 && !result.body.errors ? 'ok' : 'error';
      $('#result').textContent = JSON.stringify(result.body, null, 2);
    } catch (error) {
      status.textContent = 'Request failed: ' + error.message;
      status.className = 'error';
    }
  }

  $('#run').addEventListener('click', run);
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) run();
  });

  // ---- tables ----------------------------------------------------------------------------------------------------

  /** "12345" at scale 2 → "123.45", exactly (amounts are UInt64 strings; no floats). */
  function formatAmount(amount) {
    if (!amount) return '—';
    const digits = amount.value.padStart(amount.assetScale + 1, '0');
    const whole = digits.slice(0, digits.length - amount.assetScale);
    const fraction = amount.assetScale > 0 ? '.' + digits.slice(digits.length - amount.assetScale) : '';
    return `${whole}${fraction} ${amount.assetCode}`;
  }

  /** A UInt64 amount of `asset` (a `{ code, scale }`), or a dash when the field failed (null). */
  const amountIn = (value, asset) =>
    value === null || value === undefined
      ? null
      : formatAmount({ value: value, assetCode: asset.code, assetScale: asset.scale });

  const formatTime = (iso) => (iso ? new Date(iso).toLocaleString() : '—');

  /**
   * The amounts of a page of payments and the URLs of their wallet addresses (Rafiki's Payment type has neither), in
   * one request with a field per payment and per wallet address. Answers `data` keyed by `p_<payment id>` and
   * `w_<wallet address id>`, and the request's errors as text.
   */
  async function paymentDetails(payments) {
    const declarations = [];
    const fields = [];
    const variables = {};
    const keyOfField = {};
    const ask = (key, field, id, selection) => {
      const n = declarations.length;
      declarations.push(`$id${n}: String!`);
      variables[`id${n}`] = id;
      fields.push(`f${n}: ${field}(id: $id${n}) { ${selection} }`);
      keyOfField[`f${n}`] = key;
    };
    for (const payment of payments) {
      if (payment.type === 'OUTGOING') {
        ask(`p_${payment.id}`, 'outgoingPayment', payment.id, 'debitAmount { ...amount } sentAmount { ...amount }');
      } else {
        ask(
          `p_${payment.id}`,
          'incomingPayment',
          payment.id,
          'incomingAmount { ...amount } receivedAmount { ...amount }',
        );
      }
    }
    for (const walletAddressId of new Set(payments.map((payment) => payment.walletAddressId))) {
      ask(`w_${walletAddressId}`, 'walletAddress', walletAddressId, 'address');
    }
    const result = await graphql(
      `query PaymentDetails(${declarations.join(', ')}) {\n${fields.join('\n')}\n}\n` +
        'fragment amount on Amount { value assetCode assetScale }',
      variables,
    );
    const answered = (result.body && result.body.data) || {};
    const data = {};
    for (const [field, key] of Object.entries(keyOfField)) data[key] = answered[field];
    return { data: data, errors: errorText(result) || (result.status === 200 ? '' : `HTTP ${result.status}`) };
  }

  function addRow(tbody, cells) {
    const row = document.createElement('tr');
    for (const cell of cells) {
      const td = document.createElement('td');
      td.textContent = cell.text === undefined || cell.text === null ? '—' : String(cell.text);
      if (cell.className) td.className = cell.className;
      row.appendChild(td);
    }
    tbody.appendChild(row);
  }

  /**
   * A paged list tab: loads `first` rows, appending the next page on "Next page". `detailsOf(nodes)`, when given,
   * fetches what the rows need beyond the list's own fields, once per page; its result goes to `cellsOf`.
   */
  function pagedTab(panel, query, connectionOf, cellsOf, detailsOf) {
    let endCursor = null;
    async function load(append) {
      // The element keeps its `status` class (it is found by it on the next load); only `error` comes and goes.
      const status = $('.status', panel);
      const tbody = $('tbody', panel);
      status.textContent = 'Loading…';
      status.classList.remove('error');
      const result = await graphql(query, { first: 50, after: append ? endCursor : null });
      const page = result.status === 200 && result.body.data ? connectionOf(result.body.data) : null;
      if (!page) {
        status.textContent = errorText(result) || `HTTP ${result.status}`;
        status.classList.add('error');
        return;
      }
      const nodes = page.edges.map((edge) => edge.node);
      const details = detailsOf && nodes.length > 0 ? await detailsOf(nodes) : { data: {}, errors: '' };
      if (!append) tbody.textContent = '';
      for (const node of nodes) addRow(tbody, cellsOf(node, details.data));
      endCursor = page.pageInfo.endCursor;
      $('.more', panel).hidden = !page.pageInfo.hasNextPage;
      // Fields that failed (e.g. liquidity without a connector) are shown empty, and why is said here.
      const errors = [errorText(result), details.errors].filter(Boolean).join('; ');
      status.textContent = `${tbody.rows.length} shown` + (errors ? ` — ${errors}` : '');
      status.classList.toggle('error', Boolean(errors));
    }
    $('.refresh', panel).addEventListener('click', () => load(false));
    $('.more', panel).addEventListener('click', () => load(true));
    return () => load(false);
  }

  const loaders = {
    assets: pagedTab(
      $('#tab-assets'),
      `query Assets($first: Int, $after: String) {
        assets(first: $first, after: $after) {
          edges { node { id code scale liquidity withdrawalThreshold createdAt } }
          pageInfo { hasNextPage endCursor }
        }
      }`,
      (data) => data.assets,
      (asset) => [
        { text: asset.code },
        { text: asset.scale },
        { text: amountIn(asset.liquidity, asset) },
        { text: asset.withdrawalThreshold },
        { text: formatTime(asset.createdAt) },
        { text: asset.id, className: 'id' },
      ],
    ),
    peers: pagedTab(
      $('#tab-peers'),
      `query Peers($first: Int, $after: String) {
        peers(first: $first, after: $after) {
          edges { node { id name staticIlpAddress asset { code scale } liquidity http { outgoing { endpoint } } createdAt } }
          pageInfo { hasNextPage endCursor }
        }
      }`,
      (data) => data.peers,
      (peer) => [
        { text: peer.name },
        { text: peer.staticIlpAddress },
        { text: `${peer.asset.code} (scale ${peer.asset.scale})` },
        { text: amountIn(peer.liquidity, peer.asset) },
        { text: peer.http.outgoing.endpoint },
        { text: formatTime(peer.createdAt) },
        { text: peer.id, className: 'id' },
      ],
    ),
    'wallet-addresses': pagedTab(
      $('#tab-wallet-addresses'),
      `query WalletAddresses($first: Int, $after: String) {
        walletAddresses(first: $first, after: $after) {
          edges { node { id address publicName status asset { code scale } liquidity createdAt } }
          pageInfo { hasNextPage endCursor }
        }
      }`,
      (data) => data.walletAddresses,
      (walletAddress) => [
        { text: walletAddress.address },
        { text: walletAddress.publicName },
        { text: walletAddress.status },
        { text: `${walletAddress.asset.code} (scale ${walletAddress.asset.scale})` },
        // A dash: no account yet (nothing was ever credited to it), or the field failed (said in the status line).
        { text: amountIn(walletAddress.liquidity, walletAddress.asset) },
        { text: formatTime(walletAddress.createdAt) },
        { text: walletAddress.id, className: 'id' },
      ],
    ),
    payments: pagedTab(
      $('#tab-payments'),
      `query Payments($first: Int, $after: String) {
        payments(first: $first, after: $after) {
          edges { node { id type walletAddressId state createdAt } }
          pageInfo { hasNextPage endCursor }
        }
      }`,
      (data) => data.payments,
      (payment, details) => {
        const detail = details[`p_${payment.id}`] || {};
        const walletAddress = details[`w_${payment.walletAddressId}`];
        const incoming = payment.type === 'INCOMING';
        return [
          { text: formatTime(payment.createdAt) },
          { text: payment.type },
          { text: walletAddress ? walletAddress.address : payment.walletAddressId },
          { text: payment.state },
          // What it is for: the expected amount of an incoming payment, the debit amount of an outgoing one.
          { text: formatAmount(incoming ? detail.incomingAmount : detail.debitAmount) },
          // How far it got: received, or sent.
          { text: formatAmount(incoming ? detail.receivedAmount : detail.sentAmount) },
          { text: payment.id, className: 'id' },
        ];
      },
      paymentDetails,
    ),
  };

  // ---- ledger ----------------------------------------------------------------------------------------------------

  /** The newest movements of one account (accountingTransfers), in and out together, newest first. */
  async function showMovements(event) {
    event.preventDefault();
    const panel = $('#tab-ledger');
    const status = $('.status', panel);
    const tbody = $('tbody', panel);
    const account = $('#ledger-account').value.trim();
    status.classList.remove('error');
    if (!account) {
      status.textContent = 'Type an account id first.';
      status.classList.add('error');
      return;
    }
    status.textContent = 'Loading…';
    const fields = 'id debitAccountId creditAccountId amount transferType state createdAt';
    let result;
    try {
      // The account's asset, to write amounts in it, comes from whichever of these the id names; the others answer
      // NOT_FOUND, which is expected and not shown.
      result = await graphql(
        `query Movements($id: String!, $limit: Int) {
          accountingTransfers(id: $id, limit: $limit) { debits { ${fields} } credits { ${fields} } }
          asset(id: $id) { code scale }
          peer(id: $id) { asset { code scale } }
          walletAddress(id: $id) { asset { code scale } }
          outgoingPayment(id: $id) { debitAmount { assetCode assetScale } }
        }`,
        { id: account, limit: 100 },
      );
    } catch (error) {
      status.textContent = 'Request failed: ' + error.message;
      status.classList.add('error');
      return;
    }
    const data = (result.status === 200 && result.body.data) || {};
    const transfers = data.accountingTransfers;
    if (!transfers) {
      const own = {
        body: { errors: (result.body.errors || []).filter((e) => (e.path || [])[0] === 'accountingTransfers') },
      };
      status.textContent = errorText(own) || errorText(result) || `HTTP ${result.status}`;
      status.classList.add('error');
      return;
    }
    const payment = data.outgoingPayment && data.outgoingPayment.debitAmount;
    const asset =
      data.asset ||
      (data.peer && data.peer.asset) ||
      (data.walletAddress && data.walletAddress.asset) ||
      (payment && { code: payment.assetCode, scale: payment.assetScale });
    const movements = [
      ...transfers.debits.map((transfer) => ({ transfer, direction: 'out', other: transfer.creditAccountId })),
      ...transfers.credits.map((transfer) => ({ transfer, direction: 'in', other: transfer.debitAccountId })),
    ].sort((a, b) => Date.parse(b.transfer.createdAt) - Date.parse(a.transfer.createdAt));
    tbody.textContent = '';
    for (const { transfer, direction, other } of movements) {
      addRow(tbody, [
        { text: formatTime(transfer.createdAt) },
        { text: direction },
        { text: transfer.transferType },
        { text: transfer.state },
        { text: asset ? amountIn(transfer.amount, asset) : transfer.amount },
        { text: other, className: 'id' },
        { text: transfer.id, className: 'id' },
      ]);
    }
    status.textContent = movements.length > 0 ? `${movements.length} shown` : 'no movements for this id';
  }

  $('#ledger-form').addEventListener('submit', showMovements);

  // ---- tabs ------------------------------------------------------------------------------------------------------

  for (const tab of document.querySelectorAll('nav [role=tab]')) {
    tab.addEventListener('click', () => {
      for (const other of document.querySelectorAll('nav [role=tab]')) {
        const selected = other === tab;
        other.setAttribute('aria-selected', String(selected));
        $('#tab-' + other.dataset.tab).hidden = !selected;
      }
      const load = loaders[tab.dataset.tab];
      if (load) load();
    });
  }

  showSecretState();
})();
