import type { AgendaItemView, AgendaView } from '@rogatory/domain';
import { createHash } from 'node:crypto';

/** The page's only style sheet (inline, allowed by its hash in the page's Content-Security-Policy). */
const STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem;color:#111}
h1{font-size:1.4rem;margin:0 0 .25rem}p.meta{margin:0 0 1rem;color:#444}
table{border-collapse:collapse;width:100%;font-size:.85rem}th,td{border:1px solid #999;padding:.3rem .4rem;text-align:left;vertical-align:top}
th{background:#eee}td.num{text-align:right}footer{margin-top:1rem;font-size:.75rem;color:#444}
@media print{body{margin:0}th{background:none}a{color:inherit;text-decoration:none}}`;

/**
 * Content-Security-Policy of the agenda page: nothing may load or run (no script at all), only its own
 * style sheet by hash; no framing, no form, no base URL.
 */
export const AGENDA_HTML_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`;

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const WHY: Record<string, string> = { LEVEL_4: 'escalation level 4', FLAGGED: 'flagged by a contact point' };

function row(i: AgendaItemView): string {
  const cells = [
    i.reference,
    i.requestingState,
    i.requestedState,
    `${i.requestType}${i.urgent ? ' (urgent)' : ''}`,
    i.confidential ? 'confidential (UNTOC art. 18(20))' : [...i.offences, ...i.measures].join(', ') || '—',
    i.state,
    i.stepOwed ? `${i.stepOwed.step}, owed by ${i.stepOwed.owedByState}` : 'none',
    i.stepOwed?.dueOn ?? '—',
  ].map((c) => `<td>${escapeHtml(c)}</td>`);
  cells.push(`<td class="num">${i.daysOverdue === null ? '—' : `${i.daysOverdue}${i.daysOverdueAsOf ? ` (to ${escapeHtml(i.daysOverdueAsOf)})` : ''}`}</td>`);
  cells.push(`<td class="num">${i.escalationLevel}</td>`);
  cells.push(`<td>${escapeHtml(i.why.map((w) => WHY[w] ?? w).join('; '))}</td>`);
  cells.push(`<td>${i.outcome ? escapeHtml(i.outcome.outcome) : ''}</td>`);
  return `<tr>${cells.join('')}</tr>`;
}

/**
 * The agenda of a bilateral meeting as a printable HTML page (GET /bilateral-meetings/{id}/agenda
 * ?format=html): the same metadata as the JSON, every value HTML-escaped, no script, one inline style
 * sheet allowed by AGENDA_HTML_CSP. An empty outcome column is for notes taken at the meeting.
 */
export function renderAgendaHtml(a: AgendaView): string {
  const [s1, s2] = a.meeting.states;
  const title = `Bilateral meeting ${s1.name} (${s1.code}) – ${s2.name} (${s2.code})`;
  const head = [
    'Reference',
    'Requesting State',
    'Requested State',
    'Type',
    'Offences, measures',
    'State of the request',
    'Step owed',
    'Due date',
    'Days overdue',
    'Escalation level',
    'Why on the agenda',
    'Outcome',
  ]
    .map((h) => `<th scope="col">${h}</th>`)
    .join('');
  const body = a.meeting.items.length ? a.meeting.items.map(row).join('\n') : '<tr><td colspan="12">No request on the agenda.</td></tr>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(`${title} · ${a.plenary.network} plenary ${a.plenary.date}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="meta">${escapeHtml(`${a.plenary.network} plenary meeting, ${a.plenary.date}, ${a.plenary.place}`)} · ${a.meeting.items.length} request(s)</p>
<table>
<thead><tr>${head}</tr></thead>
<tbody>
${body}
</tbody>
</table>
<footer>Metadata only: no facts, persons concerned, subject or notes. Days overdue are calendar days from the due date to the date of the plenary, or to today in the owing State once the plenary has passed. Escalation levels as in the network's deadline policy (level 4: listed for the plenary).</footer>
</body>
</html>
`;
}
