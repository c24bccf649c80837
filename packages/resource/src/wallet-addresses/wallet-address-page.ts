// The page a person sees who opens a wallet address in a browser (Accept: text/html): who it is, the payment
// pointer to type into a paying app, and its asset. Server-rendered, no script or outside asset (the CSP says so).
import { urlToPaymentPointer } from './payment-pointer';
import type { WalletAddress } from './wallet-address-service';

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

// The public name is the operator's (and through it the user's) free text; never markup.
function htmlText(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ENTITIES[character]!);
}

export const WALLET_ADDRESS_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

const STYLE = `body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1d232a}
h1{font-size:1.5rem;margin-bottom:.3rem}.pointer{font-family:monospace;font-size:1.15rem;word-break:break-all;
background:#f6f8fa;border:1px solid #d0d7de;border-radius:8px;padding:.6rem .8rem}dl{display:grid;
grid-template-columns:max-content 1fr;gap:.3rem 1rem}dt{color:#57606a}dd{margin:0;word-break:break-all}
p{color:#57606a}`;

export function walletAddressPage(walletAddress: WalletAddress): string {
  const pointer = urlToPaymentPointer(walletAddress.url) ?? walletAddress.url;
  const title = walletAddress.publicName ?? pointer;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${htmlText(title)}</title><style>${STYLE}</style></head>
<body><h1>${htmlText(title)}</h1>
<p>An Open Payments wallet address. To pay it, give this address to an app that supports Open Payments or Interledger:</p>
<div class="pointer">${htmlText(pointer)}</div>
<dl><dt>Wallet address</dt><dd>${htmlText(walletAddress.url)}</dd>
<dt>Currency</dt><dd>${htmlText(walletAddress.assetCode)} (${walletAddress.assetScale} decimal places)</dd></dl>
</body></html>
`;
}
