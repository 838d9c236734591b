'use strict';

/**
 * A local Serverless Framework plugin that finishes the template the way the security
 * checks (test/deployment) expect, for the resources the framework creates itself:
 * - every log group is encrypted with the stack's own KMS key (CleanupKey);
 * - the framework's shared Lambda role is removed when no function uses it (each function
 *   has its own role, from serverless-iam-roles-per-function).
 */
class HardenTemplate {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      'before:package:finalize': () => this.harden(serverless.service.provider.compiledCloudFormationTemplate),
    };
  }

  harden(template) {
    const resources = template.Resources;
    for (const resource of Object.values(resources)) {
      if (resource.Type === 'AWS::Logs::LogGroup' && resource.Properties && !resource.Properties.KmsKeyId) {
        resource.Properties.KmsKeyId = { 'Fn::GetAtt': ['CleanupKey', 'Arn'] };
      }
    }
    const shared = 'IamRoleLambdaExecution';
    if (resources[shared]) {
      const { [shared]: _unused, ...others } = resources;
      if (!JSON.stringify({ ...template, Resources: others }).includes(`"${shared}"`)) delete resources[shared];
    }
  }
}

module.exports = HardenTemplate;
