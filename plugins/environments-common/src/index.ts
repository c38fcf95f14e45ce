/**
 * Types, annotations and pure rules shared by the Environments frontend and backend.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './annotationKeys';
export * from './compliance';
export * from './digest';
export * from './permissions';
export * from './promotion';
export * from './types';
export * from './settings';
