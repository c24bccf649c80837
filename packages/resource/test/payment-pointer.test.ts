import {
  paymentPointerToUrl,
  urlToPaymentPointer,
  walletAddressUrlFrom,
  InvalidPaymentPointerError,
} from '@sluice/resource';

describe('payment pointers', () => {
  it.each([
    ['$example.com', 'https://example.com/.well-known/pay'],
    ['$example.com/', 'https://example.com/.well-known/pay'],
    ['$example.com/alice', 'https://example.com/alice'],
    ['$bob.example.com', 'https://bob.example.com/.well-known/pay'],
    ['$wallet.example/shop/bob', 'https://wallet.example/shop/bob'],
  ])('%s resolves to %s', (pointer, url) => {
    expect(paymentPointerToUrl(pointer)).toBe(url);
    expect(walletAddressUrlFrom(pointer)).toBe(url);
  });

  it.each([
    'example.com',
    '$',
    '$user@example.com/alice',
    '$example.com:8080/alice',
    '$example.com/a?b=c',
    '$exämple.com',
  ])('refuses %s', (pointer) => {
    expect(() => paymentPointerToUrl(pointer)).toThrow(InvalidPaymentPointerError);
  });

  it('converts https URLs back to pointers', () => {
    expect(urlToPaymentPointer('https://example.com/alice')).toBe('$example.com/alice');
    expect(urlToPaymentPointer('https://example.com/.well-known/pay')).toBe('$example.com');
    expect(urlToPaymentPointer('http://example.com/alice')).toBeUndefined();
    expect(urlToPaymentPointer('https://example.com:8443/alice')).toBeUndefined();
  });

  it('leaves URLs alone', () => {
    expect(walletAddressUrlFrom('https://wallet.example/alice')).toBe('https://wallet.example/alice');
  });
});
