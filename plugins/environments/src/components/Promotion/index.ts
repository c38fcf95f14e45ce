export { PromoteDialog } from './PromoteDialog';
export { PromotionContent, PromotionPage } from './PromotionPage';
export { PromotionRequestView } from './PromotionRequestView';
export { PromotionStatus } from './PromotionStatus';
export { usePromotionLink, useRollbackLink } from './usePromotionLink';
export { ExecutionSteps } from './ExecutionSteps';
