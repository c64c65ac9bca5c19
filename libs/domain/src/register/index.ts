export * from './register-parser';
export * from './replay-plan';
