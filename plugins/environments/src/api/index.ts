export * from './EnvironmentsApi';
export { EnvironmentsClient } from '@internal/backstage-plugin-environments-common';
