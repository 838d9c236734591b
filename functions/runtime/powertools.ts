import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * One Logger and Metrics per function instance, shared by the handler and the AWS layer. The
 * Tracer lives with the only thing it traces, the AWS clients (functions/aws/clients.ts): so a
 * function that makes no AWS call (ResolveRequest) does not bundle the X-Ray SDK under it
 * (about 110 KB), which loads with the Tracer's module however little of it is used.
 */
export const SERVICE_NAME = 'proton-connection-cleanup';

export const logger = new Logger({ serviceName: SERVICE_NAME });
export const metrics = new Metrics({ serviceName: SERVICE_NAME, namespace: 'ProtonConnectionCleanup' });
export { MetricUnit };
