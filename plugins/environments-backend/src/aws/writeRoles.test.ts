import { roleSessionName } from './writeRoles';

describe('roleSessionName', () => {
  it('names the AWS session after the Backstage user, as CloudTrail shows it', () => {
    expect(roleSessionName('user:default/alice')).toBe('env-alice@default');
    expect(roleSessionName('user:acme/bob.smith')).toBe('env-bob.smith@acme');
  });

  it('keeps only the characters STS accepts, and at most 64 of them', () => {
    expect(roleSessionName('user:default/jürgen müller')).toBe(
      'env-j-rgen-m-ller@default',
    );
    const long = roleSessionName(`user:default/${'x'.repeat(100)}`);
    expect(long).toHaveLength(64);
    expect(long).toMatch(/^env-x+$/);
  });
});
