import type { Document, HTMLButtonElement, HTMLTableRowElement } from 'happy-dom';
import { afterEach, describe, expect, it } from 'vitest';
import { ReportSchema } from '../../functions/domain/report.js';
import { escapeHtml, jsonForScript, renderHtml } from '../../functions/domain/report-html.js';
import { openHtml, typeInto } from '../helpers/dom.js';
import { arns, failedResource, reportEntry, reportFixture, timedStackEntry } from '../helpers/domain-fixtures.js';

const HOSTILE = '</script><script>alert(1)</script><!-- <img src=x onerror=alert(2)>';

/** An execute run: two stacks deleted one after the other, one failed, a bucket kept, a queue deleted. */
function executeReport() {
  return reportFixture({
    resources: [
      timedStackEntry('AWSProton-api-prod-cloudformation--HZQWMBND', 'deleted', 1, 6),
      timedStackEntry('AWSProton-web-prod-cloudformation--TYUIOPAS', 'failed', 2, 9, {
        error: 'DELETE_FAILED: Uploads (AWS::S3::Bucket): The bucket you tried to delete is not empty',
        failedResources: [
          failedResource('Uploads', 'The bucket you tried to delete is not empty', { physicalId: 'web-prod-uploads', type: 'AWS::S3::Bucket' }),
        ],
        nextStep: 're-run with retainFailedResources to keep bucket web-prod-uploads',
      }),
      reportEntry(arns.bucket('payments-prod-artifacts'), 'retained', {
        type: 's3:bucket',
        reason: 'kept by its DeletionPolicy (Retain)',
        nextStep: 'nothing needs doing',
      }),
      reportEntry(arns.queue('api-prod-orders'), 'deleted', { type: 'sqs:queue', reason: 'deleted with its stack' }),
    ],
  });
}

const opened: { window: { happyDOM: { close(): Promise<void> } } }[] = [];
async function open(report = executeReport()) {
  const page = await openHtml(renderHtml(report));
  opened.push(page);
  return page.document;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((p) => p.window.happyDOM.close()));
});

const rows = (doc: Document) => [...doc.querySelectorAll<HTMLTableRowElement>('#resources tbody tr')];
const visibleIds = (doc: Document) =>
  rows(doc)
    .filter((r) => !r.hidden)
    .map((r) => r.querySelector('small')?.textContent);

const type = typeInto;

describe('renderHtml', () => {
  it('is one document with a title, the status and the summary counts', async () => {
    const doc = await open();
    expect(doc.title).toMatch(/^Proton connection cleanup completed with 1 failure\(s\) \(execute\): connection /);
    expect(doc.querySelector('[data-count="failed"] b')?.textContent).toBe('1');
    expect(doc.querySelector('[data-count="total"] b')?.textContent).toBe('4');
  });

  it('loads nothing from anywhere: no external src or href, no stylesheet link, no url() in its style', async () => {
    const doc = await open();
    const external = [...doc.querySelectorAll('[src], [href], [xlink\\:href]')].flatMap((el) =>
      ['src', 'href', 'xlink:href'].map((a) => el.getAttribute(a) ?? '').filter((v) => /^(https?:)?\/\//i.test(v.trim())),
    );
    expect(external).toEqual([]);
    expect(doc.querySelectorAll('link, iframe, object, embed, img[src]')).toHaveLength(0);
    for (const style of doc.querySelectorAll('style')) expect(style.textContent).not.toMatch(/url\(|@import/);
  });

  it('forbids loading anything in its Content-Security-Policy', async () => {
    const csp = (await open()).querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content');
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  });

  it('has a row per resource, with its outcome', async () => {
    const doc = await open();
    expect(rows(doc).map((r) => r.dataset.outcome)).toEqual(['deleted', 'failed', 'retained', 'deleted']);
    expect(doc.querySelector('#shown-count')?.textContent).toBe('4 of 4 shown');
  });

  it('hides the rows the text filter does not match', async () => {
    const doc = await open();
    type(doc, '#filter', 'UPLOADS', 'input');
    expect(visibleIds(doc)).toEqual([executeReport().resources[1]?.id]);
    expect(doc.querySelector('#shown-count')?.textContent).toBe('1 of 4 shown');
  });

  it('hides the rows of other outcomes when an outcome is chosen', async () => {
    const doc = await open();
    type(doc, '#outcome-filter', 'deleted', 'change');
    expect(
      rows(doc)
        .filter((r) => !r.hidden)
        .map((r) => r.dataset.outcome),
    ).toEqual(['deleted', 'deleted']);
  });

  it('offers only the outcomes the report has', async () => {
    const doc = await open();
    expect([...doc.querySelectorAll('#outcome-filter option')].map((o) => o.getAttribute('value'))).toEqual(['', 'deleted', 'retained', 'failed']);
  });

  it('sorts the rows by a column when its header is clicked, and reverses on a second click', async () => {
    const doc = await open();
    const outcomeHeader = doc.querySelector<HTMLButtonElement>('#resources th[data-column="outcome"] button');
    outcomeHeader?.click();
    expect(rows(doc).map((r) => r.dataset.outcome)).toEqual(['deleted', 'deleted', 'failed', 'retained']);
    outcomeHeader?.click();
    expect(rows(doc).map((r) => r.dataset.outcome)).toEqual(['retained', 'failed', 'deleted', 'deleted']);
    expect(doc.querySelector('#resources th[data-column="outcome"]')?.getAttribute('aria-sort')).toBe('descending');
  });

  it('draws the stacks pending, deleting, deleted, and failed or kept as shapes in the timeline', async () => {
    const doc = await open();
    const bands = [...doc.querySelectorAll('#timeline svg path.band')];
    expect(bands.map((b) => b.getAttribute('data-series'))).toEqual(['pending', 'deleting', 'deleted', 'failed or kept']);
    for (const band of bands) expect(band.getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+( L[\d.]+,[\d.]+)+ Z$/);
    expect(doc.querySelector('#timeline-empty')).toBeNull();
  });

  it('says there were no stack deletions when no stack has a time (a plan, or nothing to delete)', async () => {
    const doc = await open(reportFixture({ mode: 'plan', resources: [reportEntry(arns.queue('q'), 'planned')] }));
    expect(doc.querySelector('#timeline svg')).toBeNull();
    expect(doc.querySelector('#timeline-empty')?.textContent).toBe('No stack deletions in this run.');
  });

  it('details each failure: the reason, the resources CloudFormation could not delete, and the next step', async () => {
    const detail = (await open()).querySelector('#failures details.failure');
    expect(detail?.textContent).toContain('Uploads (AWS::S3::Bucket)');
    expect(detail?.textContent).toContain('web-prod-uploads');
    expect(detail?.querySelector('.next')?.textContent).toBe('Next step: re-run with retainFailedResources to keep bucket web-prod-uploads');
  });

  it('embeds the report as JSON that reads back the same', async () => {
    const report = executeReport();
    const doc = await open(report);
    expect(ReportSchema.parse(JSON.parse(doc.querySelector('#report-data')?.textContent ?? ''))).toEqual(report);
  });

  describe('with hostile strings in names and reasons', () => {
    const hostile = reportFixture({
      resources: [reportEntry(arns.queue(HOSTILE), 'failed', { error: HOSTILE, nextStep: HOSTILE, failedResources: [failedResource(HOSTILE, HOSTILE)] })],
      connection: { outcome: 'failed', error: HOSTILE, environmentName: HOSTILE },
    });

    it('keeps them inert: no element, script or handler comes from them', async () => {
      const doc = await open(hostile);
      expect(doc.querySelectorAll('script')).toHaveLength(2);
      expect(doc.querySelectorAll('img, [onerror]')).toHaveLength(0);
    });

    it('shows them as the text they are', async () => {
      const doc = await open(hostile);
      expect(doc.querySelector('#failures pre')?.textContent).toBe(HOSTILE);
      expect(ReportSchema.parse(JSON.parse(doc.querySelector('#report-data')?.textContent ?? ''))).toEqual(hostile);
    });
  });
});

describe('escapeHtml', () => {
  it('escapes what opens a tag, an entity or ends an attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&`)).toBe('&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;');
  });
});

describe('jsonForScript', () => {
  it('cannot close its script element nor open a comment', () => {
    const json = jsonForScript({ reason: HOSTILE });
    expect(json).not.toMatch(/<\/script|<!--/i);
    expect(JSON.parse(json)).toEqual({ reason: HOSTILE });
  });
});
