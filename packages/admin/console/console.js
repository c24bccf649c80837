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

  const formatTime = (iso) => (iso ? new Date(iso).toLocaleString() : '—');

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

  /** A paged list tab: loads `first` rows, appending the next page on "Next page". */
  function pagedTab(panel, query, connectionOf, cellsOf) {
    let endCursor = null;
    async function load(append) {
      const status = $('.status', panel);
      const tbody = $('tbody', panel);
      status.textContent = 'Loading…';
      status.className = '';
      const result = await graphql(query, { first: 50, after: append ? endCursor : null });
      const page = result.status === 200 && result.body.data ? connectionOf(result.body.data) : null;
      if (!page) {
        status.textContent = errorText(result) || `HTTP ${result.status}`;
        status.className = 'error';
        return;
      }
      if (!append) tbody.textContent = '';
      for (const edge of page.edges) addRow(tbody, cellsOf(edge.node));
      endCursor = page.pageInfo.endCursor;
      $('.more', panel).hidden = !page.pageInfo.hasNextPage;
      // Fields that failed (e.g. liquidity without a connector) are shown empty, and why is said here.
      status.textContent = `${tbody.rows.length} shown` + (result.body.errors ? ` — ${errorText(result)}` : '');
      status.className = result.body.errors ? 'error' : '';
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
        {
          text:
            asset.liquidity === null
              ? null
              : formatAmount({ value: asset.liquidity, assetCode: asset.code, assetScale: asset.scale }),
        },
        { text: asset.withdrawalThreshold },
        { text: formatTime(asset.createdAt) },
        { text: asset.id, className: 'id' },
      ],
    ),
    'wallet-addresses': pagedTab(
      $('#tab-wallet-addresses'),
      `query WalletAddresses($first: Int, $after: String) {
        walletAddresses(first: $first, after: $after) {
          edges { node { id address publicName status asset { code scale } createdAt } }
          pageInfo { hasNextPage endCursor }
        }
      }`,
      (data) => data.walletAddresses,
      (walletAddress) => [
        { text: walletAddress.address },
        { text: walletAddress.publicName },
        { text: walletAddress.status },
        { text: `${walletAddress.asset.code} (scale ${walletAddress.asset.scale})` },
        { text: formatTime(walletAddress.createdAt) },
        { text: walletAddress.id, className: 'id' },
      ],
    ),
    'incoming-payments': async () => {
      // Rafiki's API lists incoming payments per wallet address: the most recent ones of the newest addresses,
      // merged newest first.
      const panel = $('#tab-incoming-payments');
      const status = $('.status', panel);
      const tbody = $('tbody', panel);
      status.textContent = 'Loading…';
      status.className = '';
      const result = await graphql(
        `
          query RecentIncomingPayments {
            walletAddresses(first: 50) {
              edges {
                node {
                  address
                  incomingPayments(first: 20) {
                    edges {
                      node {
                        id
                        state
                        incomingAmount {
                          value
                          assetCode
                          assetScale
                        }
                        receivedAmount {
                          value
                          assetCode
                          assetScale
                        }
                        expiresAt
                        createdAt
                      }
                    }
                  }
                }
              }
            }
          }
        `,
        {},
      );
      if (result.status !== 200 || result.body.errors) {
        status.textContent = errorText(result) || `HTTP ${result.status}`;
        status.className = 'error';
        return;
      }
      const payments = [];
      for (const { node: walletAddress } of result.body.data.walletAddresses.edges) {
        for (const { node: payment } of walletAddress.incomingPayments.edges) {
          payments.push({ ...payment, address: walletAddress.address });
        }
      }
      payments.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
      tbody.textContent = '';
      for (const payment of payments.slice(0, 100)) {
        addRow(tbody, [
          { text: formatTime(payment.createdAt) },
          { text: payment.address },
          { text: payment.state },
          { text: formatAmount(payment.receivedAmount) },
          { text: formatAmount(payment.incomingAmount) },
          { text: formatTime(payment.expiresAt) },
          { text: payment.id, className: 'id' },
        ]);
      }
      status.textContent = `${Math.min(payments.length, 100)} shown`;
    },
  };

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
