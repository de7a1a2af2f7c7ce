export * from './codes';
export * from './errors';
export * from './validate';
export * from './packageFormat';
export * from './wire';
export * from './api';
export * from './apiClient';
