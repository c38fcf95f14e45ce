import { showableVariableValues } from './variableValues';

describe('the values of Lambda variables the product keeps', () => {
  it('keeps plain values, drops those whose names say secret, and strips credentials from URLs', () => {
    expect(
      showableVariableValues({
        API_URL: 'https://api.shop.example',
        DEBUG: 'true',
        STRIPE_SECRET_KEY: 'sk_live_1',
        EMAIL_API_KEY: 'key-1',
        SIGNING_KEY: 'k',
        DB_PASSWORD: 'hunter2',
        GITHUB_TOKEN: 'ghp_1',
        DATABASE_URL: 'postgres://app:s3cret@db.internal:5432/shop',
        VITE_USER_POOL_ID: 'eu-west-1_abc',
      }),
    ).toEqual({
      API_URL: 'https://api.shop.example',
      DEBUG: 'true',
      DATABASE_URL: 'postgres://***@db.internal:5432/shop',
      VITE_USER_POOL_ID: 'eu-west-1_abc',
    });
  });
});
