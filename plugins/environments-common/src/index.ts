/**
 * Types, annotations and pure rules shared by the Environments frontend and backend.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './digest';
export * from './types';
