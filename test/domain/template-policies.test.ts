import { describe, expect, it } from 'vitest';
import { deletionPolicies } from '../../functions/domain/template-policies.js';

/** Templates as people write them (CloudFormation User Guide, DeletionPolicy attribute: a resource attribute beside Type and Properties). */
const yaml = (...lines: string[]) => lines.join('\n');

describe('deletionPolicies', () => {
  it('reads the DeletionPolicy of each resource of a JSON template', () => {
    const template = JSON.stringify({ Resources: { Bucket: { Type: 'AWS::S3::Bucket', DeletionPolicy: 'Retain' }, Queue: { Type: 'AWS::SQS::Queue' } } });
    expect(deletionPolicies(template)).toEqual(new Map([['Bucket', 'Retain']]));
  });

  it('reads the DeletionPolicy of each resource of a YAML template, with short-form intrinsics and comments around', () => {
    const template = yaml(
      'AWSTemplateFormatVersion: "2010-09-09"',
      'Parameters:',
      '  Env: {Type: String}',
      'Resources:',
      '  # the artifacts',
      '  ArtifactsBucket:',
      '    Type: AWS::S3::Bucket',
      '    DeletionPolicy: Retain # keep the builds',
      '    UpdateReplacePolicy: Retain',
      '    Properties:',
      '      BucketName: !Ref BucketNameParameter',
      '  Database:',
      '    Type: AWS::RDS::DBInstance',
      "    DeletionPolicy: 'Snapshot'",
      '  Queue:',
      '    Type: AWS::SQS::Queue',
      'Outputs:',
      '  BucketName:',
      '    Value: !Ref ArtifactsBucket',
    );
    expect(deletionPolicies(template)).toEqual(
      new Map([
        ['ArtifactsBucket', 'Retain'],
        ['Database', 'Snapshot'],
      ]),
    );
  });

  it("never takes a DeletionPolicy inside Properties, Metadata or a block scalar for the resource's own", () => {
    const template = yaml(
      'Resources:',
      '  Function:',
      '    Type: AWS::Lambda::Function',
      '    Metadata:',
      '      DeletionPolicy: Retain',
      '    Properties:',
      '      Code:',
      '        ZipFile: |',
      '          DeletionPolicy: Retain',
    );
    expect(deletionPolicies(template)).toEqual(new Map());
  });

  it('says unknown for a policy it cannot read (an intrinsic function), never Retain', () => {
    const template = yaml('Resources:', '  Bucket:', '    Type: AWS::S3::Bucket', '    DeletionPolicy: !If [IsProd, Retain, Delete]');
    expect(deletionPolicies(template)).toEqual(new Map([['Bucket', 'unknown']]));
  });

  it('says unknown for a resource written as a flow mapping that names a DeletionPolicy', () => {
    expect(deletionPolicies(yaml('Resources:', '  Bucket: {Type: AWS::S3::Bucket, DeletionPolicy: Retain}'))).toEqual(new Map([['Bucket', 'unknown']]));
  });

  it.each([
    ['no Resources block', 'Parameters:\n  Env: {Type: String}'],
    ['malformed JSON', '{"Resources": '],
    ['tab indentation', 'Resources:\n\tBucket:\n\t\tType: AWS::S3::Bucket'],
  ])('cannot read a template with %s', (_, template) => {
    expect(deletionPolicies(template)).toBeUndefined();
  });
});
