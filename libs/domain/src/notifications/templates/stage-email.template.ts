/**
 * Layouts of a reminder or escalation email (Handlebars). `t` holds the recipient's language's snippets
 * already rendered as plain text; the HTML layout escapes every value once with `{{…}}`.
 */
export const STAGE_EMAIL_TEXT = `{{t.salutation}}

{{#if late}}
{{t.lateNotice}}

{{/if}}
{{t.heading}}

{{t.referenceLabel}}{{colon}}{{reference}}
{{t.requestingStateLabel}}{{colon}}{{requestingState}}
{{t.requestedStateLabel}}{{colon}}{{requestedState}}
{{t.networkLabel}}{{colon}}{{network}}
{{t.stepLabel}}{{colon}}{{step}}
{{t.owedByLabel}}{{colon}}{{t.owedBy}}
{{t.dueDateLabel}}{{colon}}{{t.dueDate}}
{{t.statusLabel}}{{colon}}{{t.status}}
{{#if plenary}}

{{t.plenary}}
{{/if}}

{{t.caseLabel}}{{colon}}{{link}}

--
{{t.footer}}
`;

export const STAGE_EMAIL_HTML = `<!DOCTYPE html>
<html lang="{{lang}}">
<head>
<meta charset="utf-8">
<title>{{t.subject}}</title>
</head>
<body style="font-family: Arial, Helvetica, sans-serif; font-size: 14px; line-height: 1.4; color: #1a1a1a;">
<p>{{t.salutation}}</p>
{{#if late}}
<p style="color: #8a1f11;"><strong>{{t.lateNotice}}</strong></p>
{{/if}}
<h1 style="font-size: 18px;">{{t.heading}}</h1>
<table role="presentation" cellpadding="4" cellspacing="0" style="border-collapse: collapse;">
<tr><th align="left" valign="top">{{t.referenceLabel}}</th><td>{{reference}}</td></tr>
<tr><th align="left" valign="top">{{t.requestingStateLabel}}</th><td>{{requestingState}}</td></tr>
<tr><th align="left" valign="top">{{t.requestedStateLabel}}</th><td>{{requestedState}}</td></tr>
<tr><th align="left" valign="top">{{t.networkLabel}}</th><td>{{network}}</td></tr>
<tr><th align="left" valign="top">{{t.stepLabel}}</th><td>{{step}}</td></tr>
<tr><th align="left" valign="top">{{t.owedByLabel}}</th><td>{{t.owedBy}}</td></tr>
<tr><th align="left" valign="top">{{t.dueDateLabel}}</th><td>{{t.dueDate}}</td></tr>
<tr><th align="left" valign="top">{{t.statusLabel}}</th><td>{{t.status}}</td></tr>
</table>
{{#if plenary}}
<p><strong>{{t.plenary}}</strong></p>
{{/if}}
<p>{{t.caseLabel}}{{colon}}<a href="{{link}}">{{link}}</a></p>
<p style="color: #555555; font-size: 12px;">{{t.footer}}</p>
</body>
</html>
`;
