import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Report } from '../functions/domain/report.js';
import { renderHtml } from '../functions/domain/report-html.js';
import { renderMarkdown } from '../functions/domain/report-markdown.js';

/**
 * The report written locally as WriteReport writes it to S3: the JSON, and beside it the
 * Markdown and HTML reports people read. Shared by `npm start` and the operator CLI.
 */
interface ReportFiles {
  json: string;
  markdown: string;
  html: string;
}

/** The report's siblings: `out/report.json` → `out/report.md`, `out/report.html` (a path without `.json` gets the extensions added). */
export function reportSiblings(jsonPath: string): ReportFiles {
  const stem = /\.json$/i.test(jsonPath) ? jsonPath.slice(0, -'.json'.length) : jsonPath;
  return { json: jsonPath, markdown: `${stem}.md`, html: `${stem}.html` };
}

/** Writes the three files (creating the folder), returning where. */
export async function writeReportFiles(jsonPath: string, report: Report): Promise<ReportFiles> {
  const files = reportSiblings(jsonPath);
  await mkdir(path.dirname(path.resolve(jsonPath)), { recursive: true });
  await Promise.all([
    writeFile(files.json, `${JSON.stringify(report, null, 2)}\n`),
    writeFile(files.markdown, renderMarkdown(report)),
    writeFile(files.html, renderHtml(report)),
  ]);
  return files;
}
