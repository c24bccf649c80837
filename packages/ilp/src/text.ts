// String <-> byte helpers for the codecs' hot paths.
//
// Buffer#toString(encoding, start, end) normalises its arguments and looks the encoding up before it calls the
// per-encoding method (latin1Slice, utf8Slice) every Buffer has; for the short strings in ILP packets that wrapper
// costs about as much as the decoding. Those methods are undocumented and untyped, so their presence is checked
// once and the documented toString is used on a runtime without them.

interface SliceMethods {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

const hasSliceMethods =
  typeof (Buffer.prototype as Partial<SliceMethods>).latin1Slice === 'function' &&
  typeof (Buffer.prototype as Partial<SliceMethods>).utf8Slice === 'function';

/** One character per byte; callers that need ASCII check the result (non-ASCII bytes become chars ≥ U+0080). */
export function decodeLatin1(buffer: Buffer, start: number, end: number): string {
  if (start === end) return '';
  return hasSliceMethods
    ? (buffer as unknown as SliceMethods).latin1Slice(start, end)
    : buffer.toString('latin1', start, end);
}

/** Lenient UTF-8: malformed sequences become U+FFFD, as with Buffer#toString. */
export function decodeUtf8(buffer: Buffer, start: number, end: number): string {
  if (start === end) return '';
  return hasSliceMethods
    ? (buffer as unknown as SliceMethods).utf8Slice(start, end)
    : buffer.toString('utf8', start, end);
}

export function isAsciiText(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false;
  return true;
}

/** Writes a string already checked to be ASCII, one byte per character; returns the offset after it. */
export function writeAsciiAt(buffer: Buffer, offset: number, text: string): number {
  for (let i = 0; i < text.length; i++) buffer[offset++] = text.charCodeAt(i);
  return offset;
}
