import { describe, expect, it } from 'vitest';
import { csvField, csvFormat, formatReport, jsonFormat, markdownFormat, onlyFailures, tableFormat } from '../../cli/report-formats.js';
import { reportEntry, reportFixture } from '../helpers/domain-fixtures.js';

/** The formats of `report EXECUTION`: pure functions of the report. */
const STACK = 'arn:aws:cloudformation:us-east-1:111122223333:stack/AWSProton-env/1111';
const report = () =>
  reportFixture({
    resources: [
      reportEntry(STACK, 'deleted', { type: 'cloudformation:stack', reason: 'tagged for this environment' }),
      reportEntry('arn:aws:s3:::data-bucket', 'failed', { type: 's3:bucket', error: 'The bucket is not empty, "409"', nextStep: 'empty it, then run again' }),
      reportEntry('arn:aws:iam::111122223333:role/R', 'retained', { type: 'iam:role', reason: 'kept | shared\nwith others' }),
    ],
  });

describe('report formats', () => {
  it('table: the terminal summary table, one row per resource', () => {
    const text = tableFormat(report());

    expect(text).toMatch(/^OUTCOME\s+TYPE\s+RESOURCE\s+REASON$/m);
    expect(text).toMatch(/^failed\s+s3:bucket\s+data-bucket\s+The bucket is not empty/m);
  });

  it('json: the report itself', () => {
    expect(JSON.parse(jsonFormat(report()))).toEqual(report());
  });

  it('markdown: a Markdown table of the resources, pipes escaped and line breaks as <br>', () => {
    const lines = markdownFormat(report()).split('\n');

    expect(lines).toContain('| Outcome | Type | Resource | Reason | Next step |');
    expect(lines).toContain('| --- | --- | --- | --- | --- |');
    expect(lines).toContain('| deleted | cloudformation:stack | AWSProton-env | tagged for this environment |  |');
    expect(lines).toContain('| retained | iam:role | R | kept \\| shared<br>with others |  |');
  });

  it('markdown: heads the table with the outcome, the connection and the counts', () => {
    const text = markdownFormat(report());

    expect(text).toMatch(/^## Cleanup exec-1: succeeded \(execute mode\)$/m);
    expect(text).toMatch(/: \*\*deleted\*\*/);
    expect(text).toMatch(/deleted 1 · already absent 0 · retained 1 · failed 1 · planned 0 · total 3/);
  });

  it('csv: a header, then one record per resource, CRLF between records (RFC 4180)', () => {
    const records = csvFormat(report()).split('\r\n');

    expect(records[0]).toBe('outcome,type,name,id,owner,reason,next step');
    expect(records[1]).toBe(`deleted,cloudformation:stack,AWSProton-env,${STACK},environment:payments-prod,tagged for this environment,`);
    expect(records.at(-1)).toBe('');
  });

  it('markdown: a Next step column, the step the workflow wrote for a failed or kept entry', () => {
    expect(markdownFormat(report()).split('\n')).toContain('| failed | s3:bucket | data-bucket | The bucket is not empty, "409" | empty it, then run again |');
  });

  it("markdown: the connection's next step under the connection line", () => {
    const failed = { ...report(), connection: { ...report().connection, outcome: 'failed' as const, nextStep: 'delete it in the console' } };
    expect(markdownFormat(failed)).toMatch(/^\*\*Next step:\*\* delete it in the console$/m);
  });

  it('csv: a next step field, the step the workflow wrote for a failed or kept entry', () => {
    expect(csvFormat(report()).split('\r\n')[2]).toBe(
      'failed,s3:bucket,data-bucket,arn:aws:s3:::data-bucket,environment:payments-prod,"The bucket is not empty, ""409""","empty it, then run again"',
    );
  });

  it('table --failures: under each row, indented, the whole reason (the table cuts it at 70) and the next step', () => {
    const long = `${'x'.repeat(100)} end`;
    const shown = { ...report(), resources: [reportEntry('arn:aws:s3:::data-bucket', 'failed', { type: 's3:bucket', error: long, nextStep: 'empty it' })] };
    const lines = formatReport(shown, 'table', { failures: true }).split('\n');
    const row = lines.findIndex((line) => /^failed\s+s3:bucket/.test(line));

    expect(lines[row]).not.toContain(' end');
    expect(lines.slice(row + 1, row + 3)).toEqual([`    reason: ${long}`, '    next step: empty it']);
  });

  it("table --failures: the connection's next step under the connection line", () => {
    const failed = { ...report(), connection: { ...report().connection, outcome: 'failed' as const, nextStep: 'delete it in the console' } };
    const lines = tableFormat(failed, { failures: true }).split('\n');

    expect(lines[1]).toMatch(/^Connection /);
    expect(lines[2]).toBe('    next step: delete it in the console');
  });

  it('table without --failures: no lines under the rows', () => {
    expect(tableFormat(report())).not.toMatch(/^ {4}(reason|next step):/m);
  });

  it.each([
    ['plain', 'plain'],
    ['a, b', '"a, b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r', '"cr\r"'],
  ])('csv quotes a field %j as RFC 4180 says: %s', (field, quoted) => {
    expect(csvField(field)).toBe(quoted);
  });

  it('--failures keeps only what failed or was kept, and the counts of the whole run', () => {
    const shown = onlyFailures(report());

    expect(shown.resources.map((r) => r.outcome)).toEqual(['failed', 'retained']);
    expect(shown.summary).toEqual(report().summary);
    expect(JSON.parse(formatReport(report(), 'json', { failures: true })).resources).toHaveLength(2);
  });
});
