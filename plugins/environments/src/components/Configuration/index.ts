export { ConfigurationSection } from './ConfigurationSection';
export { PromotionGateNotice } from './PromotionGateNotice';
