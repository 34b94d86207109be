import { describe, expect, it } from 'vitest';
import { hashPassword, SCRYPT_PARAMS, verifyPassword } from './passwords.js';

describe('console passwords', () => {
  it('hash with scrypt N=2^15, r=8, p=1 and a salt of their own, and check in either direction', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$15\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(SCRYPT_PARAMS.log2N).toBe(15);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  it('refuse hashes they cannot read rather than throw', async () => {
    for (const bad of ['', 'scrypt$15$8$1$$', 'bcrypt$x', 'scrypt$40$8$1$AAAA$AAAAAAAAAAAAAAAAAAAAAAAA'])
      expect(await verifyPassword('x', bad)).toBe(false);
  });
});
