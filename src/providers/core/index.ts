export * from './adapter';
export * from './canonical';
export * from './http-executor';
export * from './provider-client';
export * from './provider-error';
export * from './sse';
export * from './token-estimate';
