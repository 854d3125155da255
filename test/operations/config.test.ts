import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('configuration from the environment', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: 'sqlite:./data/carepool.db',
      tokenTtlSeconds: 7200,
      refreshWindowSeconds: 7 * 24 * 3600,
      logLevel: 'info',
      jwtSecret: undefined,
    });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ TOKEN_TTL_SECONDS: '0' }, 'TOKEN_TTL_SECONDS'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ ADMIN_USERNAME: 'a b' }, 'ADMIN_USERNAME'],
    [{ ADMIN_USERNAME: 'boss', ADMIN_PASSWORD: 'short' }, 'ADMIN_PASSWORD'],
    [{ ADMIN_PASSWORD: 'long-enough-password' }, 'ADMIN_USERNAME'],
    [{ TRUST_PROXY: 'maybe' }, 'TRUST_PROXY'],
    [{ CLINIC_PHONE: 'call us' }, 'CLINIC_PHONE'],
    [{ CLINIC_ADDRESS: 'line one\nline two' }, 'CLINIC_ADDRESS'],
    [{ CLINIC_NAME: 'x'.repeat(101) }, 'CLINIC_NAME'],
  ])('refuses %j with a message naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(variable);
  });

  it('reads the clinic information patients see; unset parts stay unset', () => {
    expect(loadConfig({}).clinic).toEqual({
      name: undefined,
      address: undefined,
      phone: undefined,
      hours: undefined,
    });
    expect(
      loadConfig({
        CLINIC_NAME: ' 康源诊所 ',
        CLINIC_ADDRESS: '上海市徐汇区漕溪北路 88 号',
        CLINIC_PHONE: '+86 (21) 6421-8888',
        CLINIC_HOURS: '周一至周六 08:00–17:30',
      }).clinic,
    ).toEqual({
      name: '康源诊所',
      address: '上海市徐汇区漕溪北路 88 号',
      phone: '+86 (21) 6421-8888',
      hours: '周一至周六 08:00–17:30',
    });
  });

  it('accepts the documented database URL forms', () => {
    for (const url of ['sqlite:/tmp/x.db', 'sqlite::memory:', 'postgres://user:pass@localhost:5432/db']) {
      expect(loadConfig({ DATABASE_URL: url }).databaseUrl).toBe(url);
    }
  });
});
