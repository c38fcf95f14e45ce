/**
 * Names of environment variables whose values are taken for secrets and never kept:
 * `STRIPE_SECRET_KEY`, `DB_PASSWORD`, `GITHUB_TOKEN`, `EMAIL_API_KEY`, `SIGNING_KEY`, `PRIVATE_KEY`…
 */
const SECRET_NAME =
  /(SECRET|PASSWORD|PASSWD|PASSPHRASE|TOKEN|CREDENTIAL|PRIVATE|(^|_)KEY$|API_?KEY|AUTH)/i;

/** The user and password of a URL (`postgres://app:s3cret@db:5432/shop`). */
const URL_CREDENTIALS = /^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/i;

/** Whether a variable's value is kept: not when its name says it is a secret. */
export function isSecretVariableName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/**
 * The values of a function's environment variables the product may keep and show: none of a variable
 * whose name says it is a secret, and URLs without their user and password.
 */
export function showableVariableValues(
  variables: Record<string, string>,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables)) {
    if (!isSecretVariableName(name)) {
      values[name] = value.replace(URL_CREDENTIALS, '$1***@');
    }
  }
  return values;
}
