export * from './annotations';
export * from './findings';
