import { createHash } from 'node:crypto';
import { FLEET_STATUSES, type Fleet, type FleetRow, type FleetTotals } from './fleet.js';
import { childReportLink, fleetFailures, fleetProgress, statusesIn, statusWords } from './fleet-view.js';
import { RESOURCE_OUTCOMES, type Report, type ReportEntry } from './report.js';
import {
  displayName,
  formatDuration,
  reportTitle,
  runDuration,
  TIMELINE_SERIES,
  type TimelinePoint,
  type TimelineSeries,
  timeline,
  verdictOf,
  whyOf,
} from './report-view.js';

/**
 * The report as one self-contained HTML file: summary, the stacks' timeline (an SVG drawn here),
 * a resource table that sorts and filters (a small inline script), failure details, and the
 * report's JSON embedded. Pure. Nothing is loaded from anywhere: the Content-Security-Policy
 * allows no source but the page's own style and its one script (by hash), so even a string
 * that escaped escaping could neither run nor load. Every string from the report (names and
 * reasons come from AWS and customers) is HTML-escaped.
 */

/** Text for HTML content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that cannot end its <script> element or open a comment in it (`</script>`, `<!--`), nor a line in old parsers. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const STYLE = `
:root { color-scheme: light; --fg: #1d2330; --muted: #5b6475; --line: #d8dce3; --bg: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: #fff; }
header, main > section { padding: 16px 24px; }
header { background: var(--bg); border-bottom: 1px solid var(--line); }
h1 { font-size: 20px; margin: 0 0 8px; }
h2 { font-size: 16px; margin: 0 0 10px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; word-break: break-word; }
.status-failed { color: #b42318; font-weight: 600; }
.status-succeeded { color: #1a7f37; font-weight: 600; }
.status-failures { color: #b54708; font-weight: 600; }
.status-running { color: #0b5394; font-weight: 600; }
tr[data-status="failed"] td.status, tr[data-status="unreachable"] td.status, tr[data-status="not-started"] td.status { color: #b42318; font-weight: 600; }
tr[data-status="completed-with-failures"] td.status { color: #b54708; font-weight: 600; }
tfoot td { font-weight: 600; border-top: 2px solid var(--line); }
.counts { display: flex; flex-wrap: wrap; gap: 10px; list-style: none; padding: 0; margin: 0; }
.counts li { border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; min-width: 96px; }
.counts b { display: block; font-size: 20px; }
.next { color: #0b5394; }
#timeline svg { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
.legend { display: flex; gap: 14px; flex-wrap: wrap; list-style: none; padding: 0; margin: 6px 0 0; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; }
.controls { display: flex; gap: 10px; align-items: center; margin-bottom: 8px; flex-wrap: wrap; }
.controls input { min-width: 280px; padding: 4px 6px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid var(--line); }
th button { all: unset; cursor: pointer; font-weight: 600; }
th[aria-sort="ascending"] button::after { content: " \\25B2"; }
th[aria-sort="descending"] button::after { content: " \\25BC"; }
td.id { word-break: break-all; max-width: 420px; }
td small { color: var(--muted); }
tr[data-outcome="failed"] td.outcome { color: #b42318; font-weight: 600; }
tr[data-outcome="retained"] td.outcome { color: #9a6700; }
details { border: 1px solid var(--line); border-radius: 6px; padding: 6px 10px; margin-bottom: 8px; }
summary { cursor: pointer; font-weight: 600; word-break: break-all; }
pre { white-space: pre-wrap; word-break: break-word; background: var(--bg); padding: 6px; margin: 4px 0; }
`;

/**
 * Sorts each table marked `data-sortable` when a header is clicked; filters it by text and by the
 * value its select names (`data-choice`: a row attribute). Its controls are named by the table's
 * `data-filter`, `data-choice-filter` and `data-shown` ids. Reads the DOM only.
 */
const SCRIPT = `
(function () {
  Array.prototype.forEach.call(document.querySelectorAll('table[data-sortable]'), function (table) {
    var body = table.querySelector('tbody');
    var headers = Array.prototype.slice.call(table.querySelectorAll('thead th'));
    var rows = Array.prototype.slice.call(body.querySelectorAll('tr'));
    var text = document.getElementById(table.getAttribute('data-filter'));
    var choice = document.getElementById(table.getAttribute('data-choice-filter'));
    var attribute = 'data-' + table.getAttribute('data-choice');
    var shown = document.getElementById(table.getAttribute('data-shown'));
    function apply() {
      var needle = text.value.trim().toLowerCase();
      var wanted = choice.value;
      var count = 0;
      rows.forEach(function (row) {
        var visible = (!wanted || row.getAttribute(attribute) === wanted) && (!needle || row.textContent.toLowerCase().indexOf(needle) !== -1);
        row.hidden = !visible;
        if (visible) count++;
      });
      shown.textContent = count + ' of ' + rows.length + ' shown';
    }
    text.addEventListener('input', apply);
    choice.addEventListener('change', apply);
    headers.forEach(function (th, column) {
      var button = th.querySelector('button');
      if (!button) return;
      button.addEventListener('click', function () {
        var ascending = th.getAttribute('aria-sort') !== 'ascending';
        headers.forEach(function (other) { other.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        var key = function (row) { var cell = row.querySelectorAll('td')[column]; return cell.getAttribute('data-sort') || cell.textContent.trim(); };
        rows.sort(function (a, b) {
          var order = key(a).localeCompare(key(b), undefined, { numeric: true, sensitivity: 'base' });
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
    apply();
  });
})();
`;

const SCRIPT_HASH = `sha256-${createHash('sha256').update(SCRIPT).digest('base64')}`;
const CSP = `default-src 'none'; style-src 'unsafe-inline'; script-src '${SCRIPT_HASH}'; img-src data:; base-uri 'none'; form-action 'none'`;

const SERIES_COLOUR: Record<TimelineSeries, string> = {
  pending: '#c3c9d3',
  deleting: '#f0a93b',
  deleted: '#3d9a50',
  'failed or kept': '#d1453b',
};

const e = escapeHtml;

function facts(report: Report): string {
  const c = report.connection;
  const rows: [string, string][] = [
    ['Status', `<span class="status-${verdictOf(report).kind}">${e(verdictOf(report).text)}</span>`],
    ['Mode', e(report.mode ?? 'unknown')],
    ...(report.execution.account
      ? ([['Account', `${e(report.execution.account)}, region ${e(report.execution.region ?? 'unknown')}`]] as [string, string][])
      : []),
    ...(report.executedPlan
      ? ([['Executed plan', `${e(report.executedPlan.uri)} (run ${e(report.executedPlan.execution)}, made ${e(report.executedPlan.madeAt)})`]] as [
          string,
          string,
        ][])
      : []),
    ['Execution', `${e(report.execution.name)}: ${e(report.execution.startedAt)} to ${e(report.execution.finishedAt)} (${e(runDuration(report))})`],
    ...(c.environmentName ? ([['Environment', e(c.environmentName)]] as [string, string][]) : []),
    ...(report.requestedBy ? ([['Requested by', e(report.requestedBy)]] as [string, string][]) : []),
    [
      'Connection',
      `${c.id ? `${e(c.id)}: ` : ''}<b>${e(c.outcome)}</b>${c.attempts ? ` after ${c.attempts} attempt(s)` : ''}${c.error ? `: ${e(c.error)}` : c.reason ? `: ${e(c.reason)}` : ''}${c.nextStep ? `<br><span class="next">Next step: ${e(c.nextStep)}</span>` : ''}`,
    ],
    ...(report.failure ? ([['The run failed', `${e(report.failure.error)}: ${e(report.failure.message)}`]] as [string, string][]) : []),
    ...(report.heldBack ? ([['Held back', e(report.heldBack)]] as [string, string][]) : []),
    ...(report.notes ?? []).map((note): [string, string] => ['Note', e(note)]),
  ];
  return `<dl class="facts">${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

function counts(report: Report): string {
  const s = report.summary;
  const items: [string, number][] = [
    ['total', s.total],
    ['deleted', s.deleted],
    ['already absent', s.alreadyAbsent],
    ['retained', s.retained],
    ['failed', s.failed],
    ['planned', s.planned],
  ];
  return `<ul class="counts" id="summary">${items.map(([k, n]) => `<li data-count="${e(k)}"><b>${n}</b>${e(k)}</li>`).join('')}</ul>`;
}

// --- Timeline (SVG) -----------------------------------------------------------------------

const W = 760;
const H = 240;
const PAD = { left: 44, right: 16, top: 12, bottom: 34 };

/** One stacked band as a step shape: along its top edge left to right, back along its bottom edge. */
function bandPath(points: readonly TimelinePoint[], series: number, x: (at: number) => number, y: (n: number) => number): string {
  const below = (p: TimelinePoint) => TIMELINE_SERIES.slice(0, series).reduce((sum, s) => sum + p.counts[s], 0);
  const above = (p: TimelinePoint) => below(p) + p.counts[TIMELINE_SERIES[series] as TimelineSeries];
  const edge = (level: (p: TimelinePoint) => number) =>
    points.flatMap((p, i) => {
      const next = points[i + 1];
      return next ? [`${x(p.at)},${y(level(p))}`, `${x(next.at)},${y(level(p))}`] : [];
    });
  const top = edge(above);
  const bottom = edge(below).reverse();
  return `M${[...top, ...bottom].join(' L')} Z`;
}

function timelineSvg(report: Report): string {
  const points = timeline(report);
  if (points.length < 2) return '<p id="timeline-empty">No stack deletions in this run.</p>';
  const first = points[0]?.at ?? 0;
  const ended = points.at(-1);
  // The state at the end drawn a little past it, so that it shows as a band, not a line.
  const last = (ended?.at ?? first) + Math.max(1, ((ended?.at ?? first) - first) * 0.04);
  if (ended) points.push({ at: last, counts: ended.counts });
  const total = TIMELINE_SERIES.reduce((sum, s) => sum + (points[0]?.counts[s] ?? 0), 0);
  const span = Math.max(1, last - first);
  const x = (at: number) => Math.round((PAD.left + ((at - first) / span) * (W - PAD.left - PAD.right)) * 10) / 10;
  const y = (n: number) => Math.round((H - PAD.bottom - (n / Math.max(1, total)) * (H - PAD.top - PAD.bottom)) * 10) / 10;
  const bands = TIMELINE_SERIES.map(
    (s, i) => `<path class="band" data-series="${e(s)}" fill="${SERIES_COLOUR[s]}" d="${bandPath(points, i, x, y)}"><title>${e(s)}</title></path>`,
  ).join('');
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const at = first + f * span;
    const anchor = f === 0 ? 'start' : f === 1 ? 'end' : 'middle';
    return `<line x1="${x(at)}" y1="${H - PAD.bottom}" x2="${x(at)}" y2="${H - PAD.bottom + 4}" stroke="#5b6475"/><text x="${x(at)}" y="${H - PAD.bottom + 16}" text-anchor="${anchor}" font-size="11" fill="#5b6475">+${e(formatDuration(at - first))}</text>`;
  });
  const axes = [
    `<line x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}" stroke="#5b6475"/>`,
    `<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${H - PAD.bottom}" stroke="#5b6475"/>`,
    `<text x="${PAD.left - 6}" y="${y(total) + 4}" text-anchor="end" font-size="11" fill="#5b6475">${total}</text>`,
    `<text x="${PAD.left - 6}" y="${y(0) + 4}" text-anchor="end" font-size="11" fill="#5b6475">0</text>`,
    `<text x="${(W + PAD.left) / 2}" y="${H - 4}" text-anchor="middle" font-size="11" fill="#5b6475">time since ${e(new Date(first).toISOString())}</text>`,
    ...ticks,
  ].join('');
  const end = points.at(-1)?.counts;
  const legend = TIMELINE_SERIES.map(
    (s) => `<li><span class="swatch" style="background:${SERIES_COLOUR[s]}"></span>${e(s)}: ${end?.[s] ?? 0} at the end</li>`,
  ).join('');
  return `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-labelledby="timeline-title"><title id="timeline-title">Stacks pending, deleting, deleted, and failed or kept over time (${total} stacks)</title>${bands}${axes}</svg><ul class="legend">${legend}</ul>`;
}

// --- Resource table and failure details -----------------------------------------------------

function resourceRow(r: ReportEntry): string {
  const why = whyOf(r);
  return (
    `<tr data-outcome="${e(r.outcome)}" data-type="${e(r.type)}">` +
    `<td class="id" data-sort="${e(displayName(r))}">${e(displayName(r))}<br><small>${e(r.id)}</small></td>` +
    `<td>${e(r.type)}</td>` +
    `<td>${e(r.owner.kind)}${r.owner.name ? `<br><small>${e(r.owner.name)}</small>` : ''}</td>` +
    `<td>${e(r.phase ?? '')}</td>` +
    `<td>${e(r.plannedAction)}</td>` +
    `<td class="outcome">${e(r.outcome)}</td>` +
    `<td>${e(why)}${r.nextStep ? `<br><span class="next">Next step: ${e(r.nextStep)}</span>` : ''}</td>` +
    '</tr>'
  );
}

/** The ids of a sortable table and of its controls. */
interface SortableIds {
  table: string;
  filter: string;
  choiceFilter: string;
  shown: string;
}

/**
 * A table the page's script sorts and filters: a text filter, a select of the values of one row
 * attribute (`data-<choice>`), the count shown, and the header buttons. Rows come rendered.
 */
function sortableTable(
  ids: SortableIds,
  spec: { placeholder: string; choice: string; choiceLabel: string; choices: readonly string[]; columns: readonly string[]; rows: readonly string[] },
): string {
  return [
    '<div class="controls">',
    `<label>Filter <input id="${e(ids.filter)}" type="search" placeholder="${e(spec.placeholder)}" autocomplete="off"></label>`,
    `<label>${e(spec.choiceLabel)} <select id="${e(ids.choiceFilter)}"><option value="">all</option>${spec.choices.map((o) => `<option value="${e(o)}">${e(o)}</option>`).join('')}</select></label>`,
    `<span id="${e(ids.shown)}">${spec.rows.length} of ${spec.rows.length} shown</span>`,
    '</div>',
    `<table id="${e(ids.table)}" data-sortable data-filter="${e(ids.filter)}" data-choice-filter="${e(ids.choiceFilter)}" data-choice="${e(spec.choice)}" data-shown="${e(ids.shown)}">`,
    `<thead><tr>${spec.columns.map((c) => `<th scope="col" data-column="${e(c)}"><button type="button">${e(c)}</button></th>`).join('')}</tr></thead>`,
    `<tbody>${spec.rows.join('')}</tbody>`,
    '</table>',
  ].join('');
}

const COLUMNS = ['resource', 'type', 'owner', 'phase', 'planned action', 'outcome', 'reason or error'];

function resourceTable(report: Report): string {
  return sortableTable(
    { table: 'resources', filter: 'filter', choiceFilter: 'outcome-filter', shown: 'shown-count' },
    {
      placeholder: 'name, type, reason…',
      choice: 'outcome',
      choiceLabel: 'Outcome',
      choices: RESOURCE_OUTCOMES.filter((o) => report.resources.some((r) => r.outcome === o)),
      columns: COLUMNS,
      rows: report.resources.map(resourceRow),
    },
  );
}

function failureDetail(r: ReportEntry): string {
  const failing = (r.failedResources ?? []).map(
    (f) =>
      `<li><b>${e(f.logicalId)}</b>${f.type ? ` (${e(f.type)})` : ''}${f.physicalId ? ` <small>${e(f.physicalId)}</small>` : ''}<pre>${e(f.reason)}</pre></li>`,
  );
  return (
    `<details class="failure" open data-id="${e(r.id)}"><summary>${e(displayName(r))} <small>${e(r.type)}</small></summary>` +
    `<pre>${e(whyOf(r))}</pre>` +
    (failing.length ? `<p>Resources CloudFormation could not delete:</p><ul>${failing.join('')}</ul>` : '') +
    (r.nextStep ? `<p class="next">Next step: ${e(r.nextStep)}</p>` : '') +
    '</details>'
  );
}

function failureDetails(report: Report): string {
  const failed = report.resources.filter((r) => r.outcome === 'failed');
  if (failed.length === 0) return '<p>Nothing failed.</p>';
  return failed.map(failureDetail).join('');
}

function sweepSection(report: Report): string {
  if (!report.sweep) return '';
  const rows = report.sweep.map(
    (s) =>
      `<tr><td>${e(s.environmentName)}<br><small>${e(s.managementAccountId)}</small></td><td>${s.resources}</td><td>${e(s.outcome)}</td><td>${e(s.execution ?? '')}</td><td>${e(s.error ?? s.reason)}</td><td>${e(s.report ?? '')}</td></tr>`,
  );
  return `<section id="sweep"><h2>Sweep: ${report.sweep.length} environment(s)</h2><table><thead><tr><th>environment</th><th>resources</th><th>outcome</th><th>execution</th><th>why</th><th>its report</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

// --- The fleet ------------------------------------------------------------------------------------

const RESOURCE_COUNTS = ['deleted', 'retained', 'failed', 'planned'] as const;

function totalsCells(totals: FleetTotals, statuses: readonly string[]): string {
  const counts = [totals.environments, ...statuses.map((s) => totals.byStatus[s] ?? 0), ...RESOURCE_COUNTS.map((k) => totals.summary[k])];
  return counts.map((n) => `<td>${n}</td>`).join('');
}

/** The verdict, then the totals per account and Region, the fleet's in the table's foot. */
function fleetTotals(fleet: Fleet): string {
  const statuses = statusesIn(fleet);
  const head = ['account', 'Region', 'environments', ...statuses.map(statusWords), 'deleted', 'retained', 'failed resources', 'planned'];
  const rows = fleet.accounts.map(
    (a) =>
      `<tr data-account="${e(a.account ?? '')}" data-region="${e(a.region ?? '')}"><td>${e(a.account ?? '')}</td><td>${e(a.region ?? '')}</td>${totalsCells(a, statuses)}</tr>`,
  );
  return (
    `<p id="fleet-progress" class="status-${fleet.complete ? 'complete' : 'running'}">${e(fleetProgress(fleet))}</p>` +
    `<table id="fleet-accounts"><thead><tr>${head.map((h) => `<th scope="col">${e(h)}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.join('')}</tbody>` +
    `<tfoot><tr data-account="fleet"><td>fleet</td><td></td>${totalsCells(fleet.totals, statuses)}</tr></tfoot></table>`
  );
}

function fleetFailureList(fleet: Fleet): string {
  const failures = fleetFailures(fleet);
  if (failures.length === 0) return '<p>Nothing failed in the fleet.</p>';
  const rows = failures.map(
    (f) =>
      `<tr data-account="${e(f.account)}"><td>${e(f.account)}</td><td>${e(f.region)}</td><td>${e(f.environment ?? '')}${f.execution ? `<br><small>${e(f.execution)}</small>` : ''}</td>` +
      `<td class="id">${e(f.resource)}${f.type ? `<br><small>${e(f.type)}</small>` : ''}</td><td><pre>${e(f.error)}</pre></td><td class="next">${f.nextStep ? e(f.nextStep) : ''}</td></tr>`,
  );
  return `<table id="fleet-failure-table"><thead><tr><th scope="col">account</th><th scope="col">Region</th><th scope="col">environment</th><th scope="col">resource</th><th scope="col">error</th><th scope="col">next step</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** A link that opens the child's HTML report in the S3 console, and its S3 URI. */
function childReportCell(row: FleetRow, region: string | undefined): string {
  const link = childReportLink(row.report, region);
  return `${link ? `<a href="${e(link)}" rel="noopener noreferrer" target="_blank">HTML in the S3 console</a><br>` : ''}<small>${e(row.report ?? '')}</small>`;
}

function fleetRowHtml(row: FleetRow, region: string | undefined): string {
  const s = row.summary;
  return (
    `<tr data-status="${e(row.status)}" data-account="${e(row.account)}" data-region="${e(row.region)}">` +
    `<td>${e(row.account)}</td><td>${e(row.region)}</td>` +
    `<td data-sort="${e(row.environment ?? '')}">${e(row.environment ?? '')}${row.execution ? `<br><small>${e(row.execution)}</small>` : ''}</td>` +
    `<td class="status">${e(statusWords(row.status))}${row.reason ? `<br><small>${e(row.reason)}</small>` : ''}</td>` +
    RESOURCE_COUNTS.map((k) => `<td>${s[k]}</td>`).join('') +
    `<td>${childReportCell(row, region)}</td></tr>`
  );
}

const FLEET_COLUMNS = ['account', 'Region', 'environment', 'status', 'deleted', 'retained', 'failed resources', 'planned', 'its report'];

function fleetSections(report: Report): string {
  const fleet = report.fleet;
  if (!fleet) return '';
  // The children's reports are in the hub's bucket, in the Region the sweep ran in.
  const region = report.execution.region;
  const table = sortableTable(
    { table: 'fleet-rows', filter: 'fleet-filter', choiceFilter: 'fleet-status-filter', shown: 'fleet-shown-count' },
    {
      placeholder: 'account, Region, environment, reason…',
      choice: 'status',
      choiceLabel: 'Status',
      choices: FLEET_STATUSES.filter((s) => fleet.rows.some((r) => r.status === s)),
      columns: FLEET_COLUMNS,
      rows: fleet.rows.map((row) => fleetRowHtml(row, region)),
    },
  );
  return [
    `<section id="fleet"><h2>Fleet: totals per account and Region</h2>${fleetTotals(fleet)}</section>`,
    `<section id="fleet-failures"><h2>Fleet failures (${fleetFailures(fleet).length})</h2>${fleetFailureList(fleet)}</section>`,
    `<section id="fleet-table"><h2>Fleet: every environment (${fleet.rows.length})</h2>${table}</section>`,
  ].join('\n');
}

export function renderHtml(report: Report): string {
  const title = reportTitle(report);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${e(CSP)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${e(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    `<body data-status="${e(report.status)}">`,
    `<header><h1>${e(title)}</h1>${facts(report)}</header>`,
    '<main>',
    `<section id="counts"><h2>Resources</h2>${counts(report)}</section>`,
    `<section id="timeline"><h2>Timeline: stacks</h2>${timelineSvg(report)}</section>`,
    fleetSections(report),
    `<section id="failures"><h2>Failures</h2>${failureDetails(report)}</section>`,
    sweepSection(report),
    `<section id="resource-table"><h2>All resources (${report.resources.length})</h2>${resourceTable(report)}</section>`,
    '</main>',
    `<script type="application/json" id="report-data">${jsonForScript(report)}</script>`,
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
