/**
 * Small builders for what the AWS SDK answers and what the workflow's states carry, one module
 * per service under test/helpers/sdk/. Values match test/setup-env.ts (Region us-east-1, account
 * 111122223333). Tests import from here.
 */
export * from './sdk/clients.js';
export * from './sdk/cloudformation.js';
export * from './sdk/constants.js';
export * from './sdk/iam.js';
export * from './sdk/proton.js';
export * from './sdk/s3.js';
export * from './sdk/sfn.js';
export * from './sdk/standalone.js';
export * from './sdk/state.js';
export * from './sdk/tagging.js';
export * from './sdk/triggers.js';
