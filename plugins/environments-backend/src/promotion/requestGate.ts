/**
 * A check made where a promotion request is made, before it is recorded (the configuration matrix's:
 * settings/SettingsPromotionGate.ts). Throws ConflictError to refuse the request.
 */
export interface PromotionRequestGate {
  /** Warnings to record on the request, for its approvers; throws ConflictError when the request is refused. */
  check(entityRef: string, targetEnvironment: string): Promise<string[]>;
}
