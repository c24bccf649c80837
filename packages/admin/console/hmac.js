/* global window, TextEncoder */
// Request signing for the operator console, the way Rafiki admin clients sign: header
// `signature: t=<unix seconds>, v1=<hex HMAC-SHA256(secret, "<t>.<canonical JSON of the body>")>`.
// WebCrypto does the HMAC where the browser offers it (secure contexts: https, localhost); elsewhere (the console
// opened over plain http on a private address) a small SHA-256 written here does, so signing always works offline.
(function (global) {
  'use strict';

  /** RFC 8785 canonical JSON of request bodies: keys sorted by UTF-16 code units, no whitespace. */
  function canonicalJson(value) {
    if (value === null || typeof value !== 'object') {
      if (typeof value === 'number' && !isFinite(value)) throw new TypeError('non-finite number in JSON');
      const text = JSON.stringify(value);
      return text === undefined ? 'null' : text;
    }
    if (Array.isArray(value)) {
      return '[' + value.map((item) => canonicalJson(item === undefined ? null : item)).join(',') + ']';
    }
    const keys = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return '{' + keys.map((key) => JSON.stringify(key) + ':' + canonicalJson(value[key])).join(',') + '}';
  }

  // SHA-256 (FIPS 180-4). Round constants: the first 32 bits of the fractional parts of the cube roots of the first
  // 64 primes; initial state: the same of the square roots of the first 8 (computed, not transcribed).
  const PRIMES = [];
  for (let candidate = 2; PRIMES.length < 64; candidate++) {
    if (PRIMES.every((prime) => candidate % prime !== 0)) PRIMES.push(candidate);
  }
  const fraction32 = (x) => ((x - Math.floor(x)) * 0x100000000) >>> 0;
  const K = PRIMES.map((prime) => fraction32(Math.cbrt(prime)));
  const H0 = PRIMES.slice(0, 8).map((prime) => fraction32(Math.sqrt(prime)));

  const rotr = (x, n) => (x >>> n) | (x << (32 - n));

  function sha256(bytes) {
    const length = bytes.length;
    const padded = new Uint8Array((((length + 9 + 63) >> 6) << 6) >>> 0);
    padded.set(bytes);
    padded[length] = 0x80;
    const bits = length * 8;
    const view = new DataView(padded.buffer);
    view.setUint32(padded.length - 8, Math.floor(bits / 0x100000000));
    view.setUint32(padded.length - 4, bits >>> 0);
    const h = H0.slice();
    const w = new Uint32Array(64);
    for (let offset = 0; offset < padded.length; offset += 64) {
      for (let i = 0; i < 16; i++) w[i] = view.getUint32(offset + i * 4);
      for (let i = 16; i < 64; i++) {
        const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
        const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
      }
      let [a, b, c, d, e, f, g, hh] = h;
      for (let i = 0; i < 64; i++) {
        const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
        const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        hh = g;
        g = f;
        f = e;
        e = (d + t1) | 0;
        d = c;
        c = b;
        b = a;
        a = (t1 + t2) | 0;
      }
      h[0] = (h[0] + a) | 0;
      h[1] = (h[1] + b) | 0;
      h[2] = (h[2] + c) | 0;
      h[3] = (h[3] + d) | 0;
      h[4] = (h[4] + e) | 0;
      h[5] = (h[5] + f) | 0;
      h[6] = (h[6] + g) | 0;
      h[7] = (h[7] + hh) | 0;
    }
    const digest = new Uint8Array(32);
    const out = new DataView(digest.buffer);
    h.forEach((word, i) => out.setUint32(i * 4, word >>> 0));
    return digest;
  }

  function concat(a, b) {
    const joined = new Uint8Array(a.length + b.length);
    joined.set(a);
    joined.set(b, a.length);
    return joined;
  }

  /** HMAC (RFC 2104) over the SHA-256 above. */
  function hmacSha256Fallback(keyBytes, messageBytes) {
    let key = keyBytes.length > 64 ? sha256(keyBytes) : keyBytes;
    const block = new Uint8Array(64);
    block.set(key);
    key = block;
    const inner = key.map((byte) => byte ^ 0x36);
    const outer = key.map((byte) => byte ^ 0x5c);
    return sha256(concat(outer, sha256(concat(inner, messageBytes))));
  }

  const toHex = (bytes) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

  async function hmacSha256Hex(secret, message) {
    const encoder = new TextEncoder();
    const keyBytes = encoder.encode(secret);
    const messageBytes = encoder.encode(message);
    const subtle = global.crypto && global.crypto.subtle;
    if (subtle) {
      const key = await subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      return toHex(new Uint8Array(await subtle.sign('HMAC', key, messageBytes)));
    }
    return toHex(hmacSha256Fallback(keyBytes, messageBytes));
  }

  /** The `signature` header value for `body` (the object sent as JSON). */
  async function sign(secret, body, timestampSeconds) {
    const t = timestampSeconds === undefined ? Math.floor(Date.now() / 1000) : timestampSeconds;
    return 't=' + t + ', v1=' + (await hmacSha256Hex(secret, t + '.' + canonicalJson(body)));
  }

  global.SluiceSigning = {
    canonicalJson: canonicalJson,
    sha256Hex: (bytes) => toHex(sha256(bytes)),
    hmacSha256HexFallback: (secret, message) =>
      toHex(hmacSha256Fallback(new TextEncoder().encode(secret), new TextEncoder().encode(message))),
    hmacSha256Hex: hmacSha256Hex,
    sign: sign,
  };
})(typeof window !== 'undefined' ? window : this);
