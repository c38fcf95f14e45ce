import {
  CreateSecretCommand,
  ResourceExistsException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  ParameterAlreadyExists,
  ParameterType,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { PlannedFunction } from './plan';

/**
 * Creates a function's parameters and secrets under its settings path (`/shop/prod/checkout-api/`):
 * String and SecureString parameters, and secrets named without the leading slash. What exists is left
 * as it is, as a team's own pipeline would; returns what was created.
 */
export async function ensureSettings(
  clients: { ssm: SSMClient; secretsManager: SecretsManagerClient },
  planned: PlannedFunction,
): Promise<string[]> {
  const created: string[] = [];
  const { settings, settingsPath } = planned;
  const parameters: Array<[string, string, ParameterType]> = [
    ...Object.entries(settings.parameters).map(
      ([name, value]): [string, string, ParameterType] => [
        name,
        value,
        'String',
      ],
    ),
    ...Object.entries(settings.secureParameters).map(
      ([name, value]): [string, string, ParameterType] => [
        name,
        value,
        'SecureString',
      ],
    ),
  ];
  for (const [name, value, type] of parameters) {
    try {
      await clients.ssm.send(
        new PutParameterCommand({
          Name: `${settingsPath}${name}`,
          Value: value,
          Type: type,
        }),
      );
      created.push(`created ${type} parameter ${settingsPath}${name}`);
    } catch (error) {
      if (!(error instanceof ParameterAlreadyExists)) throw error;
    }
  }
  for (const [name, value] of Object.entries(settings.secrets)) {
    const secretName = `${settingsPath.slice(1)}${name}`;
    try {
      await clients.secretsManager.send(
        new CreateSecretCommand({ Name: secretName, SecretString: value }),
      );
      created.push(`created secret ${secretName}`);
    } catch (error) {
      if (!(error instanceof ResourceExistsException)) throw error;
    }
  }
  return created;
}
