import type { Document, HTMLButtonElement, HTMLTableRowElement } from 'happy-dom';
import { afterEach, describe, expect, it } from 'vitest';
import { renderHtml } from '../../functions/domain/report-html.js';
import { openHtml, typeInto } from '../helpers/dom.js';
import { API_FAILURE, childRow, fleetFailure, fleetFixture, fleetReport, LEDGER_FAILURE, UNREACHABLE_ERROR } from '../helpers/fleet-fixtures.js';

const HOSTILE = '</script><script>alert(1)</script><!-- <img src=x onerror=alert(2)>';

const opened: { window: { happyDOM: { close(): Promise<void> } } }[] = [];
async function open(report = fleetReport()) {
  const page = await openHtml(renderHtml(report));
  opened.push(page);
  return page.document;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((p) => p.window.happyDOM.close()));
});

const text = (cell: { textContent: string | null } | null | undefined) => cell?.textContent?.trim() ?? '';
const cellsOf = (row: { querySelectorAll(selector: string): ArrayLike<{ textContent: string | null }> }) =>
  [...Array.from(row.querySelectorAll('td'))].map(text);
const fleetRows = (doc: Document) => [...doc.querySelectorAll<HTMLTableRowElement>('#fleet-rows tbody tr')];
const visible = (doc: Document) =>
  fleetRows(doc)
    .filter((r) => !r.hidden)
    .map((r) => r.dataset.status);

const type = typeInto;

describe('renderHtml of a sweep with a fleet', () => {
  it('says how the fleet went in its title and status', async () => {
    const doc = await open();
    expect(doc.title).toMatch(
      /^Proton connection cleanup fleet: 6 environments in 3 accounts, 1 failed, 1 completed with failures, 1 running, 1 account unreachable/,
    );
    expect(text(doc.querySelector('#fleet-progress'))).toBe(
      'still running: 2 succeeded, 1 completed with failures, 1 failed, 1 running, 1 skipped, 1 unreachable',
    );
  });

  it('totals each account and Region, and the fleet in the foot, each count the sum of the accounts’', async () => {
    const doc = await open();
    const accounts = [...doc.querySelectorAll('#fleet-accounts tbody tr')].map(cellsOf);
    expect(accounts.map((r) => `${r[0]}/${r[1]}`)).toEqual([
      '111111111111/eu-west-1',
      '111111111111/us-east-1',
      '222222222222/eu-west-1',
      '222222222222/us-east-1',
      '333333333333/us-east-1',
    ]);
    const fleet = cellsOf(doc.querySelector('#fleet-accounts tfoot tr') ?? { querySelectorAll: () => [] });
    expect(fleet[0]).toBe('fleet');
    for (let column = 2; column < fleet.length; column++) {
      expect(Number(fleet[column]), `column ${column}`).toBe(accounts.reduce((sum, row) => sum + Number(row[column]), 0));
    }
    expect(fleet.slice(2)).toEqual(['6', '2', '1', '1', '1', '1', '1', '15', '3', '1', '0']);
  });

  it('lists every failure with its account, Region, environment, error and next step', async () => {
    const rows = [...(await open()).querySelectorAll('#fleet-failure-table tbody tr')].map(cellsOf);
    expect(rows.map((r) => [r[0], r[1], r[4], r[5]])).toEqual([
      ['111111111111', 'eu-west-1', LEDGER_FAILURE.error, LEDGER_FAILURE.nextStep],
      ['111111111111', 'us-east-1', API_FAILURE.error, API_FAILURE.nextStep],
      ['333333333333', 'us-east-1', UNREACHABLE_ERROR, 'see why in the error; once fixed, sweep this target again'],
    ]);
    expect(rows[0]?.[2]).toMatch(/^ledger-prod@444455556666/);
  });

  it('has a row per account, Region and environment, with its status', async () => {
    const doc = await open();
    expect(fleetRows(doc).map((r) => `${r.dataset.account}/${r.dataset.region} ${r.dataset.status}`)).toEqual([
      '111111111111/eu-west-1 succeeded',
      '111111111111/eu-west-1 completed-with-failures',
      '111111111111/us-east-1 failed',
      '222222222222/eu-west-1 succeeded',
      '222222222222/eu-west-1 skipped',
      '222222222222/us-east-1 running',
      '333333333333/us-east-1 unreachable',
    ]);
    expect(text(doc.querySelector('#fleet-shown-count'))).toBe('7 of 7 shown');
  });

  it('links each child report to its page in the S3 console, and names its S3 URI', async () => {
    const [first] = fleetRows(await open());
    const execution = 'sweep-0a1b2c3d4e-execute-payments-prod-9f8e7d6c';
    const link = first?.querySelector('a');
    expect(link?.getAttribute('href')).toBe(
      `https://eu-west-1.console.aws.amazon.com/s3/object/proton-cleanup-reports-111111111111?region=eu-west-1&prefix=reports%2F${execution}.html`,
    );
    expect(link?.getAttribute('rel')).toBe('noopener noreferrer');
    expect(text(first?.querySelector('td:last-child small'))).toBe(`s3://proton-cleanup-reports-111111111111/reports/${execution}.json`);
  });

  it('links to nothing but the AWS console, and loads nothing', async () => {
    const doc = await open();
    const hrefs = [...doc.querySelectorAll('[href]')].map((el) => `${el.tagName} ${el.getAttribute('href')}`);
    for (const href of hrefs) expect(href).toMatch(/^A https:\/\/[a-z0-9-]+\.console\.aws\.amazon\.com\//);
    expect(doc.querySelectorAll('[src], link, iframe, object, embed')).toHaveLength(0);
  });

  it('filters the rows by status and by text, with the machinery of the resource table', async () => {
    const doc = await open();
    type(doc, '#fleet-status-filter', 'succeeded', 'change');
    expect(visible(doc)).toEqual(['succeeded', 'succeeded']);
    type(doc, '#fleet-status-filter', '', 'change');
    type(doc, '#fleet-filter', '333333333333', 'input');
    expect(visible(doc)).toEqual(['unreachable']);
    expect(text(doc.querySelector('#fleet-shown-count'))).toBe('1 of 7 shown');
  });

  it('sorts the rows by a column when its header is clicked', async () => {
    const doc = await open();
    doc.querySelector<HTMLButtonElement>('#fleet-rows th[data-column="status"] button')?.click();
    expect(fleetRows(doc).map((r) => r.dataset.status)).toEqual([
      'completed-with-failures',
      'failed',
      'running',
      'skipped',
      'succeeded',
      'succeeded',
      'unreachable',
    ]);
  });

  it('keeps the resource table working beside it', async () => {
    const doc = await open();
    expect(text(doc.querySelector('#shown-count'))).toBe('0 of 0 shown');
  });

  it('keeps hostile strings inert and shows them as text', async () => {
    const hostile = fleetReport(
      fleetFixture([
        childRow('111111111111', 'eu-west-1', 'payments-prod', 'failed', {
          environment: HOSTILE,
          reason: HOSTILE,
          failures: [fleetFailure(HOSTILE, HOSTILE, HOSTILE)],
        }),
      ]),
    );
    const doc = await open(hostile);
    expect(doc.querySelectorAll('script')).toHaveLength(2);
    expect(doc.querySelectorAll('img, [onerror]')).toHaveLength(0);
    expect(text(doc.querySelector('#fleet-failure-table pre'))).toBe(HOSTILE);
  });
});
