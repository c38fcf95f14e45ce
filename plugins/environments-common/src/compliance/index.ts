export * from './annotations';
export * from './findings';
export * from './naming';
export * from './tags';
export * from './namePattern';
