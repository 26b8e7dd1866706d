import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('fills every default from an empty environment', () => {
    expect(loadConfig({})).toEqual({
      ok: true,
      config: {
        port: 8080,
        host: '0.0.0.0',
        dataDir: './data',
        databaseUrl: undefined,
        publicUrl: 'http://localhost:8080',
        secretKey: undefined,
        smtpUrl: undefined,
        mailFrom: 'rota@localhost',
        workerConcurrency: 4,
        rateLimitPerClient: 20,
        rateLimitPerTenant: 100,
        outboundAllow: [],
        logLevel: 'info',
        retentionDays: 90,
        shutdownGraceSeconds: 25,
        adminEmail: 'admin@localhost',
        adminPassword: undefined,
        sessionIdleMinutes: 720,
        sessionMaxHours: 168,
        grantTtlDays: 90,
        trustProxy: false,
      },
    });
  });

  it('reads every variable it knows', () => {
    const loaded = loadConfig({
      ROTA_PORT: '9090',
      ROTA_DATABASE_URL: 'postgres://rota@db.internal:5432/rota',
      ROTA_SECRET_KEY: 'k'.repeat(32),
      ROTA_SMTP_URL: 'smtps://user:pass@mail.internal:465',
      ROTA_OUTBOUND_ALLOW: '10.1.0.0/16, agents.internal ,::1',
      ROTA_LOG_LEVEL: 'debug',
      ROTA_HOST: '127.0.0.1',
      ROTA_SHUTDOWN_GRACE_SECONDS: '5',
    });
    expect(loaded.ok && loaded.config).toMatchObject({
      port: 9090,
      host: '127.0.0.1',
      shutdownGraceSeconds: 5,
      publicUrl: 'http://localhost:9090',
      databaseUrl: 'postgres://rota@db.internal:5432/rota',
      outboundAllow: ['10.1.0.0/16', 'agents.internal', '::1'],
      logLevel: 'debug',
    });
  });

  it('names every bad variable at once, and refuses unknown ROTA_ variables', () => {
    const loaded = loadConfig({
      ROTA_PORT: '80a',
      ROTA_DATABASE_URL: 'mysql://x',
      ROTA_SMTP_URL: 'http://mail',
      ROTA_WORKER_CONCURRENCY: '0',
      ROTA_OUTBOUND_ALLOW: '10.0.0.0/8,not a host',
      ROTA_LOG_LEVEL: 'loud',
      ROTA_SHUTDOWN_GRACE_SECONDS: '-1',
      ROTA_PROT: '8080',
    });
    expect(loaded.ok ? [] : loaded.errors.map((e) => e.variable)).toEqual([
      'ROTA_PORT',
      'ROTA_DATABASE_URL',
      'ROTA_SMTP_URL',
      'ROTA_WORKER_CONCURRENCY',
      'ROTA_OUTBOUND_ALLOW',
      'ROTA_LOG_LEVEL',
      'ROTA_SHUTDOWN_GRACE_SECONDS',
      'ROTA_PROT',
    ]);
    if (!loaded.ok)
      for (const e of loaded.errors) expect(e.message.startsWith(e.variable)).toBe(true);
  });

  it('requires a shared secret key with PostgreSQL', () => {
    const loaded = loadConfig({ ROTA_DATABASE_URL: 'postgres://rota@db/rota' });
    expect(loaded.ok ? [] : loaded.errors.map((e) => e.variable)).toEqual(['ROTA_SECRET_KEY']);
  });

  it('treats an empty value as unset', () => {
    const loaded = loadConfig({ ROTA_PORT: '', ROTA_SMTP_URL: '' });
    expect(loaded.ok && [loaded.config.port, loaded.config.smtpUrl]).toEqual([8080, undefined]);
  });
});
