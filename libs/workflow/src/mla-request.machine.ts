import { and, assign, enqueueActions, setup } from 'xstate';
import { CHANNELS, NETWORK_CODES, REFUSAL_GROUNDS, type Outcome } from './codes';
import { DEFAULT_DEADLINE_POLICY, nextStage, STAGES, stageLevel, type DeadlineStep } from './deadline-policy';
import type { MlaRequestContext, MlaRequestEffect, MlaRequestEvent, MlaRequestInput } from './mla-request.events';

/**
 * Stored with every snapshot; a newer machine migrates older snapshots explicitly
 * (mla-request.migration.ts).
 *
 * - 1: the first machine.
 * - 2: consultation is compulsory before a refusal or a postponement (UNTOC art. 18(26)):
 *   `requestRefused` and `executionPostponed` only from `consultation`, which a postponed request may
 *   now open; the context records the consultation (`consultation`, `milestones.consultedOn`,
 *   `refusal.consultedOn`).
 */
export const MLA_REQUEST_MACHINE_VERSION = 2;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Transmitted, not yet executed nor closed: withdrawal, lapse and progress enquiries apply. */
const isOpen = (c: MlaRequestContext): boolean => c.milestones.transmittedOn !== null && c.milestones.executedOn === null && c.milestones.closedOn === null;
const hasText = (s: unknown): boolean => typeof s === 'string' && s.trim().length > 0;

type E<T extends MlaRequestEvent['type']> = Extract<MlaRequestEvent, { type: T }>;

/**
 * The lifecycle of an MLA request (DOMAIN.md §3, UNTOC art. 18), as a pure XState v5 machine.
 *
 * - States are the stages of the legal process; `refused`, `withdrawn` and `lapsed` lead at once to
 *   `closed` with that outcome; `executed` waits for `caseClosed` (results transmitted, then closed).
 * - Guards enforce who may send each event (the requesting or the requested central authority, a
 *   contact point or the programme, the system) and the rules of article 18: a refusal names a ground
 *   and gives reasons (18(21), 18(23)); the requested State consults the requesting one before refusing
 *   or postponing (18(26)): both are accepted only in `consultation`, opened from assessment, execution
 *   or a postponement; withdrawal only by the requesting side (18(24)); an urgent oral request waits for
 *   written confirmation before it can be acknowledged (18(14)).
 * - Side effects are only emitted (`MlaRequestEffect`): deadlines opened, closed, paused, resumed and
 *   notifications requested. No timers, no I/O.
 * - `deadlineReached` (sent by the system when a deadline stage falls due) is accepted once per
 *   stage; the machine then decides the notification and the next escalation level (DOMAIN.md §4).
 */
export const mlaRequestMachine = setup({
  types: {
    context: {} as MlaRequestContext,
    events: {} as MlaRequestEvent,
    input: {} as MlaRequestInput,
    emitted: {} as MlaRequestEffect,
  },
  guards: {
    byRequestingCA: ({ context, event }) => event.actor.role === 'CENTRAL_AUTHORITY' && event.actor.state === context.requestingState,
    byRequestedCA: ({ context, event }) => event.actor.role === 'CENTRAL_AUTHORITY' && event.actor.state === context.requestedState,
    byEitherCA: ({ context, event }) =>
      event.actor.role === 'CENTRAL_AUTHORITY' && (event.actor.state === context.requestingState || event.actor.state === context.requestedState),
    /** Informal consultation: the requested State's contact point reviews the draft (DOMAIN.md §3). */
    byRequestedContactPoint: ({ context, event }) => event.actor.role === 'CONTACT_POINT' && event.actor.state === context.requestedState,
    /** UNTOC art. 18(13)–(14): a known channel; the oral channel only for an urgent request. */
    validTransmission: ({ context, event }) => {
      const e = event as E<'requestTransmitted'>;
      if (!(e.actor.role === 'CENTRAL_AUTHORITY' && e.actor.state === context.requestingState)) return false;
      if (!CHANNELS.includes(e.channel)) return false;
      if (e.channel === 'ORAL_URGENT' && !context.urgent) return false;
      if (e.suggestedDeadline && !ISO_DATE.test(e.suggestedDeadline.date ?? '')) return false;
      return true;
    },
    isOralTransmission: ({ event }) => (event as E<'requestTransmitted'>).channel === 'ORAL_URGENT',
    /** UNTOC art. 18(21) ground and 18(23) reasons, by the requested central authority. */
    validRefusal: ({ context, event }) => {
      const e = event as E<'requestRefused'>;
      return e.actor.role === 'CENTRAL_AUTHORITY' && e.actor.state === context.requestedState && REFUSAL_GROUNDS.includes(e.ground) && hasText(e.reasons);
    },
    /** UNTOC art. 18(25): postponement of an execution by the requested side, with its reasons (after consultation, 18(26)). */
    validPostponement: ({ context, event }) => {
      const e = event as E<'executionPostponed'>;
      return context.executionStarted && e.actor.role === 'CENTRAL_AUTHORITY' && e.actor.state === context.requestedState && hasText(e.reasons);
    },
    /** Withdrawal (18(24)): only the requesting central authority, once transmitted. */
    canWithdraw: ({ context, event }) => isOpen(context) && event.actor.role === 'CENTRAL_AUTHORITY' && event.actor.state === context.requestingState,
    /** Administrative closure for lack of response, by either central authority, once transmitted. */
    canLapse: ({ context, event }) =>
      isOpen(context) &&
      event.actor.role === 'CENTRAL_AUTHORITY' &&
      (event.actor.state === context.requestingState || event.actor.state === context.requestedState),
    /** Progress enquiry (18(24)): the requesting side asks, once transmitted, one open at a time. */
    canEnquire: ({ context, event }) =>
      isOpen(context) &&
      context.deadlines.PROGRESS_ENQUIRY_REPLY === undefined &&
      event.actor.role === 'CENTRAL_AUTHORITY' &&
      event.actor.state === context.requestingState,
    canAnswerEnquiry: ({ context, event }) =>
      context.deadlines.PROGRESS_ENQUIRY_REPLY !== undefined && event.actor.role === 'CENTRAL_AUTHORITY' && event.actor.state === context.requestedState,
    /** Facilitation: a contact point of either State, or the network secretariat / programme (no State). */
    bySecretariatWhileOpen: ({ context, event }) => context.milestones.closedOn === null && event.actor.role === 'SECRETARIAT' && event.actor.state === null,
    /**
     * LINKED_OTHER_NETWORK names the other network (not the request's own); no other action names one.
     * Linking a network already linked is accepted (a further facilitation step) and changes nothing.
     */
    networkLinkNamesAnother: ({ context, event }) => {
      const e = event as E<'facilitationRecorded'>;
      if (e.action !== 'LINKED_OTHER_NETWORK') return e.network === undefined;
      return e.network !== undefined && (NETWORK_CODES as readonly string[]).includes(e.network) && e.network !== context.network;
    },
    canFacilitate: ({ context, event }) =>
      context.milestones.closedOn === null &&
      ((event.actor.role === 'CONTACT_POINT' && (event.actor.state === context.requestingState || event.actor.state === context.requestedState)) ||
        (event.actor.role === 'SECRETARIAT' && event.actor.state === null)),
    /** A deadline stage falls due: only the system, each stage once and in ladder order, never while paused. */
    stageDue: ({ context, event }) => {
      if (event.type !== 'deadlineReached' || event.actor.role !== 'SYSTEM') return false;
      const d = context.deadlines[event.step];
      // The expected stage, or a later one when earlier stages were skipped (history imported without replay).
      return (
        d !== undefined &&
        !d.paused &&
        d.nextStage !== null &&
        STAGES.indexOf(event.stage) >= STAGES.indexOf(d.nextStage) &&
        (event.stage === 'REMINDER' || DEFAULT_DEADLINE_POLICY.steps[event.step].escalates)
      );
    },
    returnsToExecution: ({ context }) => context.returnTo === 'EXECUTION',
  },
  actions: {
    openDeadline: enqueueActions(({ enqueue, event, context }, params: { step: DeadlineStep; dueOn?: string }) => {
      enqueue.assign({
        deadlines: { ...context.deadlines, [params.step]: { sent: [], nextStage: 'REMINDER', paused: false } },
      });
      enqueue.emit({ type: 'deadline.opened', step: params.step, from: event.occurredAt, ...(params.dueOn ? { dueOn: params.dueOn } : {}) });
    }),
    closeDeadline: enqueueActions(({ enqueue, context }, params: { step: DeadlineStep; reason?: 'DONE' | 'CANCELLED' }) => {
      if (!context.deadlines[params.step]) return;
      const rest = { ...context.deadlines };
      delete rest[params.step];
      enqueue.assign({ deadlines: rest });
      enqueue.emit({ type: 'deadline.closed', step: params.step, reason: params.reason ?? 'DONE' });
    }),
    closeAllDeadlines: enqueueActions(({ enqueue, context }) => {
      for (const step of Object.keys(context.deadlines) as DeadlineStep[]) {
        enqueue.emit({ type: 'deadline.closed', step, reason: 'CANCELLED' });
      }
      enqueue.assign({ deadlines: {} });
    }),
    pauseDeadline: enqueueActions(({ enqueue, context, event }, params: { step: DeadlineStep }) => {
      const d = context.deadlines[params.step];
      if (!d || d.paused) return;
      enqueue.assign({ deadlines: { ...context.deadlines, [params.step]: { ...d, paused: true } } });
      enqueue.emit({ type: 'deadline.paused', step: params.step, at: event.occurredAt });
    }),
    resumeDeadline: enqueueActions(({ enqueue, context, event }, params: { step: DeadlineStep }) => {
      const d = context.deadlines[params.step];
      if (!d || !d.paused) return;
      enqueue.assign({ deadlines: { ...context.deadlines, [params.step]: { ...d, paused: false } } });
      enqueue.emit({ type: 'deadline.resumed', step: params.step, at: event.occurredAt });
    }),
    /** Decide the notification of a due stage and the next escalation level (DOMAIN.md §4). */
    notifyStage: enqueueActions(({ enqueue, context, event }) => {
      if (event.type !== 'deadlineReached') return;
      const d = context.deadlines[event.step];
      if (!d) return;
      const next = nextStage(event.step, event.stage, DEFAULT_DEADLINE_POLICY);
      enqueue.assign({
        deadlines: { ...context.deadlines, [event.step]: { ...d, sent: [...d.sent, event.stage], nextStage: next } },
        listedForPlenary: context.listedForPlenary || event.stage === 'LEVEL_4',
      });
      enqueue.emit({ type: 'notification.requested', step: event.step, stage: event.stage, level: stageLevel(event.stage), nextStage: next });
      if (event.stage === 'LEVEL_4') enqueue.emit({ type: 'plenary.listed', step: event.step });
      // DOMAIN.md §4: a postponement is reviewed every 60 calendar days; the next period opens when one falls due.
      if (event.step === 'POSTPONEMENT_REVIEW') {
        enqueue.assign({ deadlines: { ...context.deadlines, POSTPONEMENT_REVIEW: { sent: [], nextStage: 'REMINDER', paused: false } } });
        enqueue.emit({ type: 'deadline.closed', step: 'POSTPONEMENT_REVIEW', reason: 'DONE' });
        enqueue.emit({ type: 'deadline.opened', step: 'POSTPONEMENT_REVIEW', from: event.occurredAt });
      }
    }),
    recordTransmission: assign(({ context, event }) => {
      const e = event as E<'requestTransmitted'>;
      return {
        channel: e.channel,
        suggestedDeadline: e.suggestedDeadline ?? null,
        milestones: { ...context.milestones, transmittedOn: e.occurredOn },
      };
    }),
    recordAcknowledgement: assign(({ context, event }) => ({
      milestones: { ...context.milestones, acknowledgedOn: event.occurredOn, acknowledgementInferred: event.inferred === true },
    })),
    recordAmendment: assign(({ event }) => ({ draftAmendedAt: event.occurredAt })),
    recordBilateralMeeting: assign(({ context, event }) => {
      const e = event as E<'bilateralMeetingHeld'>;
      return { bilateralMeetings: [...(context.bilateralMeetings ?? []), { meetingId: e.meetingId, outcome: e.outcome, on: e.occurredOn }] };
    }),
    openInformalConsultation: assign(({ context, event }) => ({
      informalConsultations: [...(context.informalConsultations ?? []), { sharedAt: event.occurredAt, reviewedAt: null }],
    })),
    closeInformalConsultation: assign(({ context, event }) => ({
      informalConsultations: (context.informalConsultations ?? []).map((c) => (c.reviewedAt === null ? { ...c, reviewedAt: event.occurredAt } : c)),
    })),
    linkNetwork: assign(({ context, event }) => {
      const e = event as E<'facilitationRecorded'>;
      const linked = context.linkedNetworks ?? [];
      return e.action === 'LINKED_OTHER_NETWORK' && e.network && !linked.includes(e.network) ? { linkedNetworks: [...linked, e.network] } : {};
    }),
    recordFacilitation: assign(({ context, event }) =>
      context.milestones.facilitatedOn !== null && context.milestones.facilitatedOn <= event.occurredOn
        ? {}
        : { milestones: { ...context.milestones, facilitatedOn: event.occurredOn } },
    ),
    openExecution: enqueueActions(({ enqueue, context, event }) => {
      const s = context.suggestedDeadline;
      // UNTOC art. 18(24): a deadline suggested with reasons replaces the default execution deadline.
      const dueOn = s && hasText(s.reasons) ? s.date : undefined;
      enqueue.assign({
        executionStarted: true,
        conditions: (event as E<'requestAccepted'>).conditions ?? context.conditions,
        deadlines: { ...context.deadlines, EXECUTION: { sent: [], nextStage: 'REMINDER', paused: false } },
      });
      enqueue.emit({ type: 'deadline.opened', step: 'EXECUTION', from: event.occurredAt, ...(dueOn ? { dueOn } : {}) });
    }),
    /** UNTOC art. 18(26): the consultation in progress, and the first one's date as a milestone. */
    openConsultation: assign(({ context, event }) => {
      const subject = (event as E<'consultationOpened'>).subject;
      return {
        consultation: { openedOn: event.occurredOn, subject: hasText(subject) ? (subject as string) : null },
        milestones: { ...context.milestones, consultedOn: context.milestones.consultedOn ?? event.occurredOn },
      };
    }),
    endConsultation: assign({ consultation: null }),
    recordRefusal: assign(({ context, event }) => {
      const e = event as E<'requestRefused'>;
      return { refusal: { ground: e.ground, reasons: e.reasons, consultedOn: context.consultation?.openedOn ?? null } };
    }),
    recordExecution: assign(({ context, event }) => ({
      partiallyExecuted: (event as E<'executionCompleted'>).partial === true,
      milestones: { ...context.milestones, executedOn: event.occurredOn },
    })),
    close: assign(({ context, event }, params: { outcome: Outcome | 'FROM_EXECUTION' }) => ({
      outcome: params.outcome === 'FROM_EXECUTION' ? (context.partiallyExecuted ? ('PARTIALLY_EXECUTED' as const) : ('EXECUTED' as const)) : params.outcome,
      milestones: { ...context.milestones, closedOn: event.occurredOn },
      consultation: null,
    })),
  },
}).createMachine({
  id: 'mlaRequest',
  initial: 'draft',
  context: ({ input }) => ({
    ...input,
    channel: null,
    suggestedDeadline: null,
    outcome: null,
    refusal: null,
    conditions: null,
    milestones: {
      facilitatedOn: null,
      transmittedOn: null,
      acknowledgedOn: null,
      acknowledgementInferred: false,
      consultedOn: null,
      executedOn: null,
      closedOn: null,
    },
    consultation: null,
    deadlines: {},
    returnTo: null,
    executionStarted: false,
    partiallyExecuted: false,
    listedForPlenary: false,
  }),
  // Alongside the main line (DOMAIN.md §3): withdrawal, lapse, progress enquiries, facilitation, deadlines.
  on: {
    requestWithdrawn: { guard: 'canWithdraw', target: '.withdrawn', actions: ['closeAllDeadlines', { type: 'close', params: { outcome: 'WITHDRAWN' } }] },
    requestLapsed: { guard: 'canLapse', target: '.lapsed', actions: ['closeAllDeadlines', { type: 'close', params: { outcome: 'LAPSED' } }] },
    progressEnquirySent: { guard: 'canEnquire', actions: { type: 'openDeadline', params: { step: 'PROGRESS_ENQUIRY_REPLY' } } },
    progressEnquiryAnswered: { guard: 'canAnswerEnquiry', actions: { type: 'closeDeadline', params: { step: 'PROGRESS_ENQUIRY_REPLY' } } },
    facilitationRecorded: { guard: and(['canFacilitate', 'networkLinkNamesAnother']), actions: ['recordFacilitation', 'linkNetwork'] },
    /** The outcome of a bilateral meeting at the plenary (DOMAIN.md §1, §4 level 4), recorded by the network secretariat; changes no state. */
    bilateralMeetingHeld: { guard: 'bySecretariatWhileOpen', actions: 'recordBilateralMeeting' },
    deadlineReached: { guard: 'stageDue', actions: 'notifyStage' },
  },
  states: {
    draft: {
      on: {
        draftShared: { guard: 'byRequestingCA', target: 'informalConsultation', actions: 'openInformalConsultation' },
        draftAmended: { guard: 'byRequestingCA', actions: 'recordAmendment' },
        requestTransmitted: { guard: 'validTransmission', target: 'transmitting' },
      },
    },
    /** Informal consultation: the requested State's contact point reviews the draft. */
    informalConsultation: {
      on: {
        draftReviewed: { guard: 'byRequestedContactPoint', target: 'draft', actions: ['recordFacilitation', 'closeInformalConsultation'] },
        draftAmended: { guard: 'byRequestingCA', actions: 'recordAmendment' },
        requestTransmitted: { guard: 'validTransmission', target: 'transmitting' },
      },
    },
    /** Transient: records the transmission and routes oral-urgent requests to written confirmation. */
    transmitting: {
      entry: 'recordTransmission',
      always: [
        { guard: 'isOralTransmission', target: 'awaitingWrittenConfirmation', actions: { type: 'openDeadline', params: { step: 'WRITTEN_CONFIRMATION' } } },
        { target: 'awaitingAcknowledgement', actions: { type: 'openDeadline', params: { step: 'ACKNOWLEDGEMENT' } } },
      ],
    },
    /** UNTOC art. 18(14): an urgent oral request, to be confirmed in writing forthwith. */
    awaitingWrittenConfirmation: {
      on: {
        writtenConfirmationSent: {
          guard: 'byRequestingCA',
          target: 'awaitingAcknowledgement',
          actions: [
            { type: 'closeDeadline', params: { step: 'WRITTEN_CONFIRMATION' } },
            { type: 'openDeadline', params: { step: 'ACKNOWLEDGEMENT' } },
          ],
        },
      },
    },
    awaitingAcknowledgement: {
      on: {
        receiptAcknowledged: {
          guard: 'byRequestedCA',
          target: 'underAssessment',
          actions: [
            'recordAcknowledgement',
            { type: 'closeDeadline', params: { step: 'ACKNOWLEDGEMENT' } },
            { type: 'openDeadline', params: { step: 'ASSESSMENT' } },
          ],
        },
      },
    },
    underAssessment: {
      on: {
        additionalInformationRequested: {
          guard: 'byRequestedCA',
          target: 'awaitingAdditionalInformation',
          actions: [
            assign({ returnTo: 'ASSESSMENT' as const }),
            { type: 'closeDeadline', params: { step: 'ASSESSMENT' } },
            { type: 'openDeadline', params: { step: 'ADDITIONAL_INFORMATION' } },
          ],
        },
        // UNTOC art. 18(26): a refusal goes through a consultation first.
        consultationOpened: {
          guard: 'byRequestedCA',
          target: 'consultation',
          actions: [assign({ returnTo: 'ASSESSMENT' as const }), 'openConsultation', { type: 'closeDeadline', params: { step: 'ASSESSMENT' } }],
        },
        requestAccepted: {
          guard: 'byRequestedCA',
          target: 'inExecution',
          actions: [{ type: 'closeDeadline', params: { step: 'ASSESSMENT' } }, 'openExecution'],
        },
      },
    },
    /** UNTOC art. 18(16): the requesting State owes additional information; execution clock paused. */
    awaitingAdditionalInformation: {
      on: {
        additionalInformationProvided: [
          {
            guard: and(['byRequestingCA', 'returnsToExecution']),
            target: 'inExecution',
            actions: [
              { type: 'closeDeadline', params: { step: 'ADDITIONAL_INFORMATION' } },
              { type: 'resumeDeadline', params: { step: 'EXECUTION' } },
            ],
          },
          {
            guard: 'byRequestingCA',
            target: 'underAssessment',
            actions: [
              { type: 'closeDeadline', params: { step: 'ADDITIONAL_INFORMATION' } },
              { type: 'openDeadline', params: { step: 'ASSESSMENT' } },
            ],
          },
        ],
      },
    },
    /**
     * UNTOC art. 18(26): the requested State consults the requesting one before refusing or postponing,
     * on whether assistance may be granted subject to conditions. The only state a refusal or a
     * postponement is accepted from. Ends with acceptance (conditions recorded), a postponement (of an
     * execution already started) or a refusal. Opened from a postponement, the postponement stands
     * meanwhile: execution clock paused, reviews still owed.
     */
    consultation: {
      on: {
        requestAccepted: [
          {
            guard: and(['byRequestedCA', 'returnsToExecution']),
            target: 'inExecution',
            actions: [
              assign(({ event }) => ({ conditions: (event as E<'requestAccepted'>).conditions ?? null })),
              'endConsultation',
              // Opened from a postponement: accepting ends it (no effect when opened from execution).
              { type: 'closeDeadline', params: { step: 'POSTPONEMENT_REVIEW' } },
              { type: 'resumeDeadline', params: { step: 'EXECUTION' } },
            ],
          },
          { guard: 'byRequestedCA', target: 'inExecution', actions: ['openExecution', 'endConsultation'] },
        ],
        executionPostponed: {
          guard: 'validPostponement',
          target: 'postponed',
          actions: [
            'endConsultation',
            { type: 'pauseDeadline', params: { step: 'EXECUTION' } },
            // Postponed again after a consultation opened from a postponement: the review period starts anew.
            { type: 'closeDeadline', params: { step: 'POSTPONEMENT_REVIEW' } },
            { type: 'openDeadline', params: { step: 'POSTPONEMENT_REVIEW' } },
          ],
        },
        requestRefused: {
          guard: 'validRefusal',
          target: 'refused',
          actions: ['recordRefusal', 'closeAllDeadlines', { type: 'close', params: { outcome: 'REFUSED' } }],
        },
      },
    },
    inExecution: {
      on: {
        additionalInformationRequested: {
          guard: 'byRequestedCA',
          target: 'awaitingAdditionalInformation',
          actions: [
            assign({ returnTo: 'EXECUTION' as const }),
            { type: 'pauseDeadline', params: { step: 'EXECUTION' } },
            { type: 'openDeadline', params: { step: 'ADDITIONAL_INFORMATION' } },
          ],
        },
        // UNTOC art. 18(26): a postponement or a refusal goes through a consultation first; the execution clock runs on.
        consultationOpened: { guard: 'byRequestedCA', target: 'consultation', actions: [assign({ returnTo: 'EXECUTION' as const }), 'openConsultation'] },
        executionCompleted: {
          guard: 'byRequestedCA',
          target: 'executed',
          actions: ['recordExecution', { type: 'closeDeadline', params: { step: 'EXECUTION' } }, 'closeAllDeadlines'],
        },
      },
    },
    /** UNTOC art. 18(25): execution postponed; reviewed every 60 calendar days by default. */
    postponed: {
      on: {
        executionResumed: {
          guard: 'byRequestedCA',
          target: 'inExecution',
          actions: [
            { type: 'closeDeadline', params: { step: 'POSTPONEMENT_REVIEW' } },
            { type: 'resumeDeadline', params: { step: 'EXECUTION' } },
          ],
        },
        postponementReviewed: {
          guard: 'byRequestedCA',
          actions: [
            { type: 'closeDeadline', params: { step: 'POSTPONEMENT_REVIEW' } },
            { type: 'openDeadline', params: { step: 'POSTPONEMENT_REVIEW' } },
          ],
        },
        // UNTOC art. 18(26): refusing a postponed request takes a consultation first; the postponement stands meanwhile.
        consultationOpened: { guard: 'byRequestedCA', target: 'consultation', actions: [assign({ returnTo: 'EXECUTION' as const }), 'openConsultation'] },
      },
    },
    /** Results transmitted; closing records the outcome EXECUTED or PARTIALLY_EXECUTED. */
    executed: {
      on: {
        caseClosed: { guard: 'byEitherCA', target: 'closed', actions: { type: 'close', params: { outcome: 'FROM_EXECUTION' } } },
      },
    },
    refused: { always: { target: 'closed' } },
    withdrawn: { always: { target: 'closed' } },
    lapsed: { always: { target: 'closed' } },
    closed: { type: 'final' },
  },
});

export type MlaRequestMachine = typeof mlaRequestMachine;

/** Names of the states a stored request can be in (transient routing states excluded). */
export const MLA_REQUEST_STATES: readonly string[] = Object.keys(mlaRequestMachine.config.states ?? {}).filter(
  (s) => !['transmitting', 'refused', 'withdrawn', 'lapsed'].includes(s),
);
