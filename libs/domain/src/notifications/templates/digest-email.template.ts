/**
 * Layouts of the daily digest of a contact point (Handlebars). `t` holds the recipient's language's
 * snippets already rendered as plain text; the HTML layout escapes every value once with `{{…}}`.
 */
export const DIGEST_EMAIL_TEXT = `{{t.salutation}}

{{t.heading}}

{{t.intro}}

{{#each items}}
{{@root.t.referenceColumn}}{{@root.colon}}{{reference}}
  {{@root.t.stepColumn}}{{@root.colon}}{{step}}
  {{@root.t.dueDateColumn}}{{@root.colon}}{{dueDate}}
  {{@root.t.daysOverdueColumn}}{{@root.colon}}{{daysOverdue}}
  {{@root.t.caseColumn}}{{@root.colon}}{{link}}

{{/each}}
{{t.countLabel}}{{colon}}{{count}}
{{t.note}}

--
{{t.footer}}
`;

export const DIGEST_EMAIL_HTML = `<!DOCTYPE html>
<html lang="{{lang}}">
<head>
<meta charset="utf-8">
<title>{{t.subject}}</title>
</head>
<body style="font-family: Arial, Helvetica, sans-serif; font-size: 14px; line-height: 1.4; color: #1a1a1a;">
<p>{{t.salutation}}</p>
<h1 style="font-size: 18px;">{{t.heading}}</h1>
<p>{{t.intro}}</p>
<table cellpadding="4" cellspacing="0" border="1" style="border-collapse: collapse; border-color: #cccccc;">
<thead>
<tr><th align="left">{{t.referenceColumn}}</th><th align="left">{{t.stepColumn}}</th><th align="left">{{t.dueDateColumn}}</th><th align="right">{{t.daysOverdueColumn}}</th><th align="left">{{t.caseColumn}}</th></tr>
</thead>
<tbody>
{{#each items}}
<tr><td>{{reference}}</td><td>{{step}}</td><td>{{dueDate}}</td><td align="right">{{daysOverdue}}</td><td><a href="{{link}}">{{link}}</a></td></tr>
{{/each}}
</tbody>
</table>
<p>{{t.countLabel}}{{colon}}{{count}}</p>
<p>{{t.note}}</p>
<p style="color: #555555; font-size: 12px;">{{t.footer}}</p>
</body>
</html>
`;
