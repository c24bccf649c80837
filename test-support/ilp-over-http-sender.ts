// An outside sender, as the reference Interledger clients see one: a plugin (the ilp-plugin interface
// ilp-protocol-stream and @interledger/pay use) speaking ILP over HTTP to a connector as one of its peers, and an
// SPSP query for a payment pointer's STREAM credentials.

export function ilpOverHttpPlugin(endpoint: string, token: string) {
  let connected = false;
  return {
    async connect() {
      connected = true;
    },
    async disconnect() {
      connected = false;
    },
    isConnected: () => connected,
    async sendData(data: Buffer): Promise<Buffer> {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
        body: data,
      });
      if (response.status !== 200) throw new Error(`ILP over HTTP answered ${response.status}`);
      return Buffer.from(await response.arrayBuffer());
    },
    registerDataHandler() {},
    deregisterDataHandler() {},
  };
}

export async function querySpsp(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    headers: { accept: 'application/spsp4+json, application/spsp+json', ...headers },
  });
  return {
    response,
    body: (await response.json()) as { destination_account: string; shared_secret: string; receipts_enabled: boolean },
  };
}
