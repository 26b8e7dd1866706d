import { describe, expect, it } from 'vitest';
import { checkCalleeConfig, openHeaders, REDACTED, sealHeaders } from './callee-config.ts';

const codes = (...args: Parameters<typeof checkCalleeConfig>) =>
  checkCalleeConfig(...args).map((p) => `${p.field} ${p.code}`);

describe('checkCalleeConfig', () => {
  it('accepts the built-ins this build has, each in its role', () => {
    expect(codes('agent', 'builtin', { builtin: 'http_journey' })).toEqual([]);
    expect(codes('tool', 'builtin', { builtin: 'transform' })).toEqual([]);
    expect(codes('agent', 'builtin', { builtin: 'http_check' })).toEqual([
      '/config/builtin invalid_value',
    ]);
    expect(codes('tool', 'builtin', {})).toEqual(['/config/builtin required']);
  });

  it('requires an http(s) URL without credentials for http and mcp callees', () => {
    expect(codes('agent', 'http', { url: 'https://agents.internal:8443/run' })).toEqual([]);
    expect(codes('agent', 'http', {})).toEqual(['/config/url required']);
    for (const url of [
      'file:///etc/passwd',
      'ftp://x/',
      'gopher://x/',
      'data:text/plain,x',
      'javascript:alert(1)',
      'relative/path',
    ])
      expect(codes('tool', 'mcp', { url }), url).toEqual(['/config/url invalid_url']);
    expect(codes('agent', 'http', { url: 'https://user:secret@agents.example/' })).toEqual([
      '/config/url invalid_url',
    ]);
  });

  it('refuses header names and values that could split a request', () => {
    expect(
      codes('agent', 'http', {
        url: 'https://a.example/',
        headers: { 'X-Team': 'qa', 'Bad Name': 'x', 'X-Split': 'a\r\nInjected: 1' },
      }),
    ).toEqual(['/config/headers/Bad Name invalid_value', '/config/headers/X-Split invalid_value']);
  });

  it('checks an openai agent’s base_url only when it is given', () => {
    expect(codes('agent', 'openai', { model: 'local' })).toEqual([]);
    expect(codes('agent', 'openai', { base_url: 'file:///x' })).toEqual([
      '/config/base_url invalid_url',
    ]);
  });
});

describe('sealHeaders and openHeaders', () => {
  const seal = (value: string, name: string) => `sealed(${name.toLowerCase()}:${value})`;

  it('seals every header value and opens them back, leaving the rest of the configuration', () => {
    const config = { url: 'https://a.example', headers: { 'X-Api-Key': 'sk-1', 'X-Team': 'qa' } };
    const stored = sealHeaders(config, undefined, seal);
    expect(stored).toEqual({
      url: 'https://a.example',
      headers: { 'X-Api-Key': 'sealed(x-api-key:sk-1)', 'X-Team': 'sealed(x-team:qa)' },
    });
    expect(openHeaders(stored, (value) => value.replace(/^sealed\([^:]+:(.*)\)$/, '$1'))).toEqual(
      config,
    );
    expect(sealHeaders({ url: 'https://b.example' }, undefined, seal)).toEqual({
      url: 'https://b.example',
    });
  });

  it('keeps the stored value of a header sent back redacted, matching names ignoring case', () => {
    const stored = { headers: { 'X-Api-Key': 'sealed(x-api-key:sk-1)' } };
    expect(
      sealHeaders(
        { headers: { 'x-api-key': REDACTED, 'X-New': REDACTED, 'X-Other': 'v' } },
        stored,
        seal,
      ),
    ).toEqual({
      headers: {
        'x-api-key': 'sealed(x-api-key:sk-1)',
        // Nothing stored to keep: the text is sealed as sent.
        'X-New': `sealed(x-new:${REDACTED})`,
        'X-Other': 'sealed(x-other:v)',
      },
    });
  });
});
