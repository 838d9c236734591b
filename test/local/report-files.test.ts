import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReportSchema } from '../../functions/domain/report.js';
import { reportSiblings, writeReportFiles } from '../../local/report-files.js';
import { reportFixture } from '../helpers/domain-fixtures.js';

describe('reportSiblings', () => {
  it('puts the Markdown and HTML reports beside the JSON, replacing its extension', () => {
    expect(reportSiblings('out/report.json')).toEqual({ json: 'out/report.json', markdown: 'out/report.md', html: 'out/report.html' });
  });

  it('adds the extensions to a path that does not end in .json', () => {
    expect(reportSiblings('out/plan')).toEqual({ json: 'out/plan', markdown: 'out/plan.md', html: 'out/plan.html' });
  });

  it('replaces only the last .json', () => {
    expect(reportSiblings('runs.json/p.JSON').markdown).toBe('runs.json/p.md');
  });
});

describe('writeReportFiles', () => {
  it('writes the JSON, Markdown and HTML reports, creating the folder', async () => {
    const json = path.join(mkdtempSync(path.join(tmpdir(), 'pcc-')), 'nested', 'report.json');
    const report = reportFixture();
    const files = await writeReportFiles(json, report);
    expect(ReportSchema.parse(JSON.parse(readFileSync(files.json, 'utf8')))).toEqual(report);
    expect(readFileSync(files.markdown, 'utf8')).toMatch(/^# Proton connection cleanup/);
    expect(readFileSync(files.html, 'utf8')).toMatch(/^<!doctype html>/);
  });
});
