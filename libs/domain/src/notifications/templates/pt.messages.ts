import type { EmailMessages } from './email-messages';

/**
 * Portuguese (European norm, used by the lusophone WACAP States), in the terms of the Portuguese text of
 * UNTOC art. 18 (auxílio judiciário mútuo, Estado requerente, Estado requerido, autoridade central).
 */
export const PT_MESSAGES: EmailMessages = {
  locale: 'pt-PT',
  colon: ': ',
  steps: {
    ACKNOWLEDGEMENT: 'confirmação de receção',
    WRITTEN_CONFIRMATION: 'confirmação por escrito do pedido oral urgente (Convenção de Palermo, artigo 18.º, n.º 14)',
    ASSESSMENT: 'decisão sobre o pedido (aceitação, pedido de informações complementares ou consulta)',
    ADDITIONAL_INFORMATION: 'informações complementares (Convenção de Palermo, artigo 18.º, n.º 16)',
    PROGRESS_ENQUIRY_REPLY: 'resposta a um pedido de informação sobre o andamento da execução (Convenção de Palermo, artigo 18.º, n.º 24)',
    EXECUTION: 'execução do pedido',
    POSTPONEMENT_REVIEW: 'reapreciação do diferimento da execução (Convenção de Palermo, artigo 18.º, n.º 25)',
  },
  stage: {
    levelLabel: '{{#if reminder}}Lembrete{{else}}Insistência de nível {{level}}{{/if}}',
    subject: '{{#if late}}[em atraso] {{/if}}[Rogatory] {{reference}}: {{levelLabel}}: {{step}}, prazo: {{dueDate}}',
    salutation: 'Exmos. Senhores,',
    heading: '{{levelLabel}}: pedido de auxílio judiciário mútuo {{reference}}',
    lateNotice: 'Esta mensagem é enviada com atraso: o seu envio estava previsto para {{scheduledAt}}.',
    referenceLabel: 'Referência do pedido',
    requestingStateLabel: 'Estado requerente',
    requestedStateLabel: 'Estado requerido',
    networkLabel: 'Rede',
    stepLabel: 'Ato a praticar',
    owedByLabel: 'Responsável',
    owedBy: 'a autoridade central do Estado {{#if owedByRequested}}requerido{{else}}requerente{{/if}} ({{owingState}})',
    dueDateLabel: 'Prazo',
    dueDate: '{{dueDate}} (fuso horário: {{timeZone}})',
    statusLabel: 'Situação',
    status: '{{#if reminder}}prazo em curso{{else}}prazo expirado (data-limite ultrapassada){{/if}}',
    plenary: 'O pedido foi inscrito na lista de reuniões bilaterais da próxima reunião plenária da rede {{network}}.',
    caseLabel: 'Processo',
    footer: 'Esta mensagem é gerada automaticamente pelo Rogatory; não contém qualquer informação sobre os factos do processo nem sobre as pessoas em causa.',
  },
  digest: {
    subject: '[Rogatory] Resumo diário dos prazos ultrapassados: {{stateName}}, {{network}}, {{date}}',
    salutation: 'Exmos. Senhores,',
    heading: 'Resumo diário dos prazos ultrapassados, {{date}}',
    intro:
      'Pedidos de auxílio judiciário mútuo acompanhados pela rede {{network}} em que um ato da responsabilidade da autoridade central ({{stateName}}) não foi praticado dentro do prazo:',
    countLabel: 'Atos em atraso',
    referenceColumn: 'Referência',
    stepColumn: 'Ato a praticar',
    dueDateColumn: 'Prazo',
    daysOverdueColumn: 'Dias de atraso',
    caseColumn: 'Processo',
    note: 'Os dias de atraso são contados em dias de calendário, desde o termo do prazo até {{date}}.',
    footer: 'Esta mensagem é gerada automaticamente pelo Rogatory; não contém qualquer informação sobre os factos dos processos nem sobre as pessoas em causa.',
  },
};
