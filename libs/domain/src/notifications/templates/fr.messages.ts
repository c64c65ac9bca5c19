import type { EmailMessages } from './email-messages';

/** French, in the terms of the French text of UNTOC art. 18 (entraide judiciaire, État requérant, État requis, autorité centrale). */
export const FR_MESSAGES: EmailMessages = {
  locale: 'fr',
  colon: ' : ',
  polishDate: (d) =>
    d.replace(/(^|\s)1 (?=janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)/u, (_, before: string) => `${before}1er `),
  steps: {
    ACKNOWLEDGEMENT: 'accusé de réception',
    WRITTEN_CONFIRMATION: 'confirmation écrite de la demande orale urgente (Convention de Palerme, art. 18, par. 14)',
    ASSESSMENT: "décision sur la suite à donner à la demande (acceptation, demande de complément d'information ou consultation)",
    ADDITIONAL_INFORMATION: "complément d'information (Convention de Palerme, art. 18, par. 16)",
    PROGRESS_ENQUIRY_REPLY: "réponse à une demande d'information sur l'état d'avancement de l'exécution (Convention de Palerme, art. 18, par. 24)",
    EXECUTION: 'exécution de la demande',
    POSTPONEMENT_REVIEW: "réexamen du report de l'exécution (Convention de Palerme, art. 18, par. 25)",
  },
  stage: {
    levelLabel: '{{#if reminder}}Rappel{{else}}Relance de niveau {{level}}{{/if}}',
    subject: '{{#if late}}[en retard] {{/if}}[Rogatory] {{reference}} : {{levelLabel}} : {{step}}, échéance le {{dueDate}}',
    salutation: 'Madame, Monsieur,',
    heading: "{{levelLabel}} : demande d'entraide judiciaire {{reference}}",
    lateNotice: 'Ce message est envoyé en retard : son envoi était prévu le {{scheduledAt}}.',
    referenceLabel: 'Référence de la demande',
    requestingStateLabel: 'État requérant',
    requestedStateLabel: 'État requis',
    networkLabel: 'Réseau',
    stepLabel: 'Diligence attendue',
    owedByLabel: 'Incombant à',
    owedBy: "l'autorité centrale de l'État {{#if owedByRequested}}requis{{else}}requérant{{/if}} ({{owingState}})",
    dueDateLabel: 'Échéance',
    dueDate: '{{dueDate}} (fuseau horaire : {{timeZone}})',
    statusLabel: 'Situation',
    status: '{{#if reminder}}délai en cours{{else}}délai expiré (échéance dépassée){{/if}}',
    plenary: 'La demande est inscrite sur la liste des réunions bilatérales de la prochaine réunion plénière du réseau {{network}}.',
    caseLabel: 'Dossier',
    footer:
      "Ce message est généré automatiquement par Rogatory ; il ne contient aucune information sur les faits de l'affaire ni sur les personnes concernées.",
  },
  digest: {
    subject: '[Rogatory] Récapitulatif quotidien des échéances dépassées : {{stateName}}, {{network}}, {{date}}',
    salutation: 'Madame, Monsieur,',
    heading: 'Récapitulatif quotidien des échéances dépassées, {{date}}',
    intro:
      "Demandes d'entraide judiciaire suivies par le réseau {{network}} pour lesquelles une diligence incombant à l'autorité centrale ({{stateName}}) n'a pas été accomplie à l'échéance :",
    countLabel: 'Diligences en retard',
    referenceColumn: 'Référence',
    stepColumn: 'Diligence attendue',
    dueDateColumn: 'Échéance',
    daysOverdueColumn: 'Jours de retard',
    caseColumn: 'Dossier',
    note: "Les jours de retard sont comptés en jours calendaires, de l'échéance au {{date}}.",
    footer:
      'Ce message est généré automatiquement par Rogatory ; il ne contient aucune information sur les faits des affaires ni sur les personnes concernées.',
  },
};
