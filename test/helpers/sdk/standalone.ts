/** Stand-alone resources (S3 buckets, CloudWatch Logs log groups, ECR repositories, SSM parameters): ARNs and errors. */

import { ResourceNotFoundException as LogsResourceNotFoundException, ThrottlingException as LogsThrottlingException } from '@aws-sdk/client-cloudwatch-logs';
import { ECRServiceException, RepositoryNotFoundException } from '@aws-sdk/client-ecr';
import { NoSuchBucket } from '@aws-sdk/client-s3';
import { ParameterNotFound, SSMServiceException, ThrottlingException as SsmThrottlingException } from '@aws-sdk/client-ssm';
import { ACCOUNT_ID, metadata, REGION } from './constants.js';
import { s3Error } from './s3.js';

/** The ARN of each deletable type, as the Tagging API returns it. */
export const standaloneArn = {
  bucket: (name: string) => `arn:aws:s3:::${name}`,
  logGroup: (name: string) => `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:${name}`,
  repository: (name: string) => `arn:aws:ecr:${REGION}:${ACCOUNT_ID}:repository/${name}`,
  /** The ARN leaves out a hierarchical name's leading "/". */
  parameter: (name: string) => `arn:aws:ssm:${REGION}:${ACCOUNT_ID}:parameter/${name.replace(/^\//, '')}`,
};

export const standaloneError = {
  noSuchBucket: () => new NoSuchBucket({ message: 'The specified bucket does not exist', $metadata: metadata(404) }),
  bucketNotEmpty: () => s3Error('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409),
  s3SlowDown: () => s3Error('SlowDown', 'Please reduce your request rate.', 503),
  logGroupNotFound: () => new LogsResourceNotFoundException({ message: 'The specified log group does not exist.', $metadata: metadata(400) }),
  logsThrottling: () => new LogsThrottlingException({ message: 'Rate exceeded', $metadata: metadata(400) }),
  repositoryNotFound: (name: string) =>
    new RepositoryNotFoundException({
      message: `The repository with name '${name}' does not exist in the registry with id '${ACCOUNT_ID}'`,
      $metadata: metadata(400),
    }),
  /** ECR does not model throttling: the SDK raises the service exception named by the error code. */
  ecrThrottling: () => new ECRServiceException({ name: 'ThrottlingException', $fault: 'client', $metadata: metadata(400), message: 'Rate exceeded' }),
  parameterNotFound: () => new ParameterNotFound({ message: '', $metadata: metadata(400) }),
  ssmThrottling: () => new SsmThrottlingException({ message: 'Rate exceeded', Message: 'Rate exceeded', $metadata: metadata(400) }),
  ssmAccessDenied: () =>
    new SSMServiceException({
      name: 'AccessDeniedException',
      $fault: 'client',
      $metadata: metadata(400),
      message: 'User is not authorized to perform: ssm:DeleteParameter',
    }),
};
