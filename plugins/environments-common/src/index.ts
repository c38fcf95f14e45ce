/**
 * Types, annotations and pure rules shared by the Environments frontend and backend, and the client of
 * the backend's API generated from its OpenAPI spec.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './annotationKeys';
export * from './client';
export * from './compliance';
export * from './digest';
export * from './models';
export * from './permissions';
export * from './promotion';
export * from './types';
