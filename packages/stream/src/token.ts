// Connection tokens of the stateless receiver (RFC 0029 §4.1 "stateless servers", PROTOCOLS.md §4.9).
//
// We use the @interledger/stream-receiver layout because Rafiki's receivers use it (the token is opaque to senders,
// so this only matters for sharing a server secret with such a receiver):
//
//   plaintext = flags UInt8 (1 = connection tag, 2 = receipts, 4 = asset)
//               ‖ [connectionTag var-octet ASCII] ‖ [receiptNonce 16 B ‖ receiptSecret 32 B]
//               ‖ [assetCode var-octet UTF-8 ‖ assetScale UInt8]
//   token     = AES-256-GCM(key = HMAC(serverSecret, "ilp_stream_connection_token"), plaintext)  → IV ‖ tag ‖ ct
//   address   = serverAddress "." base64url(token) (no padding)
//   secret    = HMAC(HMAC(serverSecret, "ilp_stream_shared_secret"), token)
//
// Unknown flag bits and trailing bytes are ignored so later layouts can extend the token.
import { OerReader, OerWriter } from '@sluice/ilp';
import { decrypt, encrypt, hmacSha256 } from './crypto';

const TOKEN_KEY_STRING = Buffer.from('ilp_stream_connection_token', 'utf8');
const SHARED_SECRET_KEY_STRING = Buffer.from('ilp_stream_shared_secret', 'utf8');

const FLAG_CONNECTION_TAG = 1;
const FLAG_RECEIPTS = 2;
const FLAG_ASSET = 4;

export interface ReceiptSetup {
  /** 16 bytes. */
  nonce: Buffer;
  /** 32 bytes, shared with whoever verifies the receipts. */
  secret: Buffer;
}

export interface AssetDetails {
  code: string;
  /** 0–255. */
  scale: number;
}

export interface ConnectionDetails {
  /** Opaque ASCII string the application uses to attribute money (e.g. an incoming payment id). */
  connectionTag?: string;
  receiptSetup?: ReceiptSetup;
  /** The receiving account's asset, sent to senders that announce a new address (SPSP needs it). */
  asset?: AssetDetails;
}

/** Keys derived once from the server secret. */
export class TokenKeys {
  readonly tokenKey: Buffer;
  readonly sharedSecretKey: Buffer;

  constructor(serverSecret: Buffer) {
    if (serverSecret.length !== 32) throw new RangeError('server secret must be 32 bytes');
    this.tokenKey = hmacSha256(serverSecret, TOKEN_KEY_STRING);
    this.sharedSecretKey = hmacSha256(serverSecret, SHARED_SECRET_KEY_STRING);
  }

  sharedSecretFor(token: Buffer): Buffer {
    return hmacSha256(this.sharedSecretKey, token);
  }
}

export function encodeConnectionToken(keys: TokenKeys, details: ConnectionDetails): Buffer {
  const { connectionTag, receiptSetup, asset } = details;
  const writer = new OerWriter(128);
  const flags =
    (connectionTag !== undefined ? FLAG_CONNECTION_TAG : 0) |
    (receiptSetup ? FLAG_RECEIPTS : 0) |
    (asset ? FLAG_ASSET : 0);
  writer.writeUInt8(flags);
  if (connectionTag !== undefined) {
    // ASCII only: stream-receiver decodes the tag as ASCII, and anything else would not round-trip.
    if (!/^[\x20-\x7e]*$/.test(connectionTag)) throw new RangeError('connection tag must be printable ASCII');
    writer.writeVarOctetString(Buffer.from(connectionTag, 'ascii'));
  }
  if (receiptSetup) {
    if (receiptSetup.nonce.length !== 16) throw new RangeError('receipt nonce must be 16 bytes');
    if (receiptSetup.secret.length !== 32) throw new RangeError('receipt secret must be 32 bytes');
    writer.writeOctets(receiptSetup.nonce).writeOctets(receiptSetup.secret);
  }
  if (asset) {
    if (!Number.isInteger(asset.scale) || asset.scale < 0 || asset.scale > 255) {
      throw new RangeError(`asset scale must be 0–255: ${asset.scale}`);
    }
    writer.writeVarOctetString(Buffer.from(asset.code, 'utf8')).writeUInt8(asset.scale);
  }
  return encrypt(keys.tokenKey, writer.toBuffer());
}

/** Returns undefined for anything that is not a token sealed with these keys (the receiver answers F06). */
export function decodeConnectionToken(keys: TokenKeys, token: Buffer): ConnectionDetails | undefined {
  try {
    const reader = new OerReader(decrypt(keys.tokenKey, token));
    const flags = reader.readUInt8();
    const details: ConnectionDetails = {};
    if (flags & FLAG_CONNECTION_TAG) details.connectionTag = reader.readVarOctetString().toString('ascii');
    if (flags & FLAG_RECEIPTS) {
      details.receiptSetup = { nonce: Buffer.from(reader.readOctets(16)), secret: Buffer.from(reader.readOctets(32)) };
    }
    if (flags & FLAG_ASSET) {
      const code = reader.readVarOctetString().toString('utf8');
      details.asset = { code, scale: reader.readUInt8() };
    }
    return details;
  } catch {
    return undefined;
  }
}

export function toBase64Url(bytes: Buffer): string {
  return bytes.toString('base64url');
}

/** Node's base64 decoder accepts both alphabets, with or without padding, as stream-receiver does. */
export function fromBase64(segment: string): Buffer {
  return Buffer.from(segment, 'base64');
}
