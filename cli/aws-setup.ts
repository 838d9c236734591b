/**
 * The AWS SDK cannot make a call for want of a Region or of credentials: not an AWS failure but
 * the CLI's setup, a usage-class problem (exit 2), said with what to pass or configure.
 */
export function awsSetupProblem(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  if (/^Region is missing/.test(error.message)) {
    return "no AWS Region: pass --region REGION (the stack's), or set AWS_REGION, or a region for the profile in ~/.aws/config";
  }
  if (error.name === 'CredentialsProviderError') {
    return (
      `no AWS credentials (${error.message}): pass --profile NAME, or configure credentials as the AWS CLI reads them ` +
      '(aws configure, aws sso login, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)'
    );
  }
  return undefined;
}
