import { putJson, putText, TEXT_TYPES } from '../aws/object-store.js';
import type { ObjectRef } from '../domain/object-ref.js';
import type { Report } from '../domain/report.js';
import { renderHtml } from '../domain/report-html.js';
import { renderMarkdown } from '../domain/report-markdown.js';

/**
 * A report as people and machines read it: `reports/<name>.json` (the record), and the Markdown
 * and HTML rendered from it beside it. Written by WriteReport (an execution's) and CollectFleet
 * (a sweep's fleet, `<sweep>.fleet`).
 */
export async function storeReport(bucket: string, name: string, report: Report): Promise<{ location: ObjectRef; markdown: ObjectRef; html: ObjectRef }> {
  const at = (extension: string) => ({ bucket, key: `reports/${name}.${extension}` });
  const [location, markdown, html] = await Promise.all([
    putJson(at('json'), report, 'readable'),
    putText(at('md'), renderMarkdown(report), TEXT_TYPES.markdown),
    putText(at('html'), renderHtml(report), TEXT_TYPES.html),
  ]);
  return { location, markdown, html };
}
