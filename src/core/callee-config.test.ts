import { describe, expect, it } from 'vitest';
import { checkCalleeConfig } from './callee-config.ts';

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
