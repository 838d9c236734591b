import { TEST_ENVIRONMENT } from './environment.js';

/**
 * Handlers validate their environment at import (cold start). Tests get the values the
 * local run uses; no test can reach AWS: credentials are fake and the endpoint is closed.
 */
Object.assign(process.env, TEST_ENVIRONMENT);
