import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

/** One Logger, Metrics and Tracer per function instance, shared by the handler and the AWS layer. */
const serviceName = 'proton-connection-cleanup';

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({ serviceName, namespace: 'ProtonConnectionCleanup' });
export const tracer = new Tracer({ serviceName });
export { MetricUnit };
