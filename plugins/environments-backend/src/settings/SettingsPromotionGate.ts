import { ConflictError } from '@backstage/errors';
import { ComplianceFactsSource } from '../compliance/ComplianceService';
import { PromotionRequestGate } from '../promotion/requestGate';
import { SettingsService } from './SettingsService';

/**
 * The configuration matrix's gate on promotion requests: what the target environment lacks or has
 * off-plan refuses the request where `environments.settings.promotionGate` says block, and is recorded
 * on the request as warnings for its approvers otherwise.
 */
export class SettingsPromotionGate implements PromotionRequestGate {
  constructor(
    private readonly options: {
      settings: Pick<SettingsService, 'gate'>;
      facts: ComplianceFactsSource;
    },
  ) {}

  async check(entityRef: string, targetEnvironment: string): Promise<string[]> {
    const facts = await this.options.facts.getServiceFacts(entityRef);
    if (!facts) {
      return [];
    }
    const gate = await this.options.settings.gate(facts, targetEnvironment);
    const lines = gate.findings.map(f => f.message);
    if (gate.blocks) {
      throw new ConflictError(
        `${targetEnvironment} refuses promotions while its configuration has findings ` +
          `(environments.settings.promotionGate.${targetEnvironment}: block): ${lines.join(
            '; ',
          )}`,
      );
    }
    return lines.map(line => `Configuration of ${targetEnvironment}: ${line}`);
  }
}
