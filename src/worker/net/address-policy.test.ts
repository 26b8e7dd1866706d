import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { checkAddress, EMPTY_ALLOW_LIST, parseAllowList } from './address-policy.ts';
import { checkUrl } from './outbound-guard.ts';

const octets = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255));
// Bias towards the ranges that matter.
const interesting = fc.oneof(
  octets,
  fc.tuple(
    fc.constantFrom(0, 10, 127, 169, 172, 192, 100, 224, 255),
    fc.nat(255),
    fc.nat(255),
    fc.nat(255),
  ),
  fc.constant([169, 254, 169, 254] as [number, number, number, number]),
);

/** Every way to write one IPv4 address in a URL that the URL parser accepts. */
function spellings([a, b, c, d]: [number, number, number, number]): string[] {
  const n = ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
  const hex = (x: number) => `0x${x.toString(16)}`;
  return [
    `${a}.${b}.${c}.${d}`,
    String(n),
    `0${a.toString(8)}.0${b.toString(8)}.0${c.toString(8)}.0${d.toString(8)}`,
    `${hex(a)}.${hex(b)}.${hex(c)}.${hex(d)}`,
    hex(n),
    `${a}.${(b << 16) + (c << 8) + d}`,
    `[::ffff:${a}.${b}.${c}.${d}]`,
    `[::ffff:${((a << 8) + b).toString(16)}:${((c << 8) + d).toString(16)}]`,
  ];
}

const blocked = (url: string, allow = EMPTY_ALLOW_LIST): boolean => {
  try {
    checkUrl(url, allow);
    return false;
  } catch {
    return true;
  }
};

describe('the address policy', () => {
  it('decides every spelling of an IPv4 address alike, and as ipaddr.js classifies it', () => {
    fc.assert(
      fc.property(interesting, (address) => {
        const expected = ipaddr.parse(address.join('.')).range() !== 'unicast';
        for (const host of spellings(address))
          expect(blocked(`http://${host}/`), host).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('blocks loopback, private, link-local, metadata and IPv4-in-IPv6 forms', () => {
    for (const host of [
      '127.0.0.1',
      '10.0.0.1',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '[::1]',
      '[fe80::1]',
      '[fd00:ec2::254]',
      '[64:ff9b::7f00:1]',
      '[2002:7f00:1::1]',
      '[::]',
      '[ff02::1]',
    ]) {
      expect(blocked(`http://${host}/`), host).toBe(true);
    }
    for (const host of ['8.8.8.8', '[2001:4860:4860::8888]', 'example.com'])
      expect(blocked(`https://${host}/`), host).toBe(false);
  });

  it('refuses other schemes and credentials in URLs', () => {
    for (const url of [
      'ftp://example.com/',
      'file:///etc/passwd',
      'gopher://example.com',
      'http://user:pw@example.com/',
      'http://user@example.com/',
      'not a url',
    ]) {
      expect(blocked(url), url).toBe(true);
    }
  });

  it('lets the operator allow ranges, single addresses and host names', () => {
    const allow = parseAllowList([
      '10.1.0.0/16',
      '127.0.0.1',
      'agents.internal',
      '::ffff:192.168.0.0/120',
    ]);
    expect(checkAddress('10.1.200.3', allow).allowed).toBe(true);
    expect(checkAddress('10.2.0.1', allow).allowed).toBe(false);
    expect(checkAddress('::ffff:127.0.0.1', allow).allowed).toBe(true);
    expect(checkAddress('192.168.0.77', allow).allowed).toBe(true);
    expect(blocked('http://127.0.0.1:8080/', allow)).toBe(false);
    expect(blocked('http://agents.internal/', allow)).toBe(false);
    expect(blocked('http://127.0.0.2/', allow)).toBe(true);
  });
});
