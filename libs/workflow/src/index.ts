export * from './codes';
export * from './completeness';
export * from './deadline-policy';
export * from './mla-request.events';
export * from './mla-request.machine';
export * from './mla-request.runtime';
export * from './mla-request.migration';
