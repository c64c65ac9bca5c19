import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Stage } from '@rogatory/workflow';
import { Queue } from 'bullmq';
import { Clock } from '../clock';
import { DEFAULT_JOB_OPTIONS, JobName, jobIds, QueueName, RETRY_POLICIES } from './queues';

/** Work to queue once a transaction has committed. */
export type PostCommitJob =
  | { kind: 'deadline'; deadlineId: string; stage: Stage; fireAt: Date }
  | { kind: 'email'; outboxId: string; sendAt?: Date }
  /** The deadline closed: its stage's delayed job has nothing left to do. */
  | { kind: 'drop-deadline'; deadlineId: string; stage: Stage };

/**
 * Puts jobs on the BullMQ queues after commit, with deterministic ids. A failure to enqueue is logged,
 * not thrown: the row is already committed and the sweeper re-enqueues it.
 */
@Injectable()
export class JobDispatcher {
  private readonly logger = new Logger(JobDispatcher.name);

  constructor(
    @InjectQueue(QueueName.Deadlines) private readonly deadlines: Queue,
    @InjectQueue(QueueName.Outbox) private readonly outbox: Queue,
    private readonly clock: Clock,
  ) {}

  /**
   * Enqueues each job. A deadline stage due now is queued at once; a later one is queued as a delayed
   * job when the clock is real time, and left to the sweeper when the clock is simulated.
   */
  async dispatch(jobs: PostCommitJob[]): Promise<void> {
    for (const job of jobs) {
      try {
        if (job.kind === 'email') await this.enqueueEmail(job.outboxId, false, job.sendAt);
        else if (job.kind === 'drop-deadline') await this.dropDelayed(this.deadlines, jobIds.deadlineDue(job.deadlineId, job.stage));
        else await this.enqueueDeadline(job.deadlineId, job.stage, job.fireAt);
      } catch (err) {
        this.logger.warn(`enqueue of ${job.kind} failed, the sweeper will retry: ${(err as Error).message}`);
      }
    }
  }

  /**
   * Queues a deadline stage. `revive` (the sweeper): a job with the same id that failed for good or
   * completed is replaced, and one still delayed is promoted when the stage is due now.
   */
  async enqueueDeadline(deadlineId: string, stage: Stage, fireAt: Date, revive = false): Promise<boolean> {
    const delay = fireAt.getTime() - this.clock.now().getTime();
    if (delay > 0 && !this.clock.realTime) return false;
    const opts = { ...DEFAULT_JOB_OPTIONS, ...RETRY_POLICIES.deadline, jobId: jobIds.deadlineDue(deadlineId, stage), delay: Math.max(0, delay) };
    if (revive) return this.addFresh(this.deadlines, JobName.DeadlineDue, { deadlineId, stage }, opts);
    // A stage whose time moved (holiday added, clock resumed) replaces its delayed job rather than being ignored as a duplicate id.
    const existing = await this.deadlines.getJob(opts.jobId);
    if (existing && Math.abs(existing.timestamp + existing.delay - fireAt.getTime()) > 1000) await this.dropDelayed(this.deadlines, opts.jobId);
    await this.deadlines.add(JobName.DeadlineDue, { deadlineId, stage }, opts);
    return true;
  }

  /**
   * Removes a job if it is still delayed (a stage closed or moved). One that has started is left: it finds
   * its stage no longer due and does nothing; a failure here is harmless for the same reason.
   */
  private async dropDelayed(queue: Queue, jobId: string): Promise<void> {
    const job = await queue.getJob(jobId);
    if (job && (await job.getState()) === 'delayed') await job.remove().catch(() => undefined);
  }

  /**
   * Queues the sending of an outbox email, delayed until `sendAt` (the recipient's 09:00 local time) when
   * that is later and the clock is real time (a simulated clock leaves a later email to the sweeper);
   * `revive` as for deadlines (an email whose retries ran out is queued again).
   */
  async enqueueEmail(outboxId: string, revive = false, sendAt?: Date): Promise<boolean> {
    const delay = sendAt ? sendAt.getTime() - this.clock.now().getTime() : 0;
    if (delay > 0 && !this.clock.realTime) return false;
    const opts = { ...DEFAULT_JOB_OPTIONS, ...RETRY_POLICIES.email, jobId: jobIds.sendEmail(outboxId), ...(delay > 0 ? { delay } : {}) };
    if (revive) return this.addFresh(this.outbox, JobName.SendEmail, { outboxId }, opts);
    await this.outbox.add(JobName.SendEmail, { outboxId }, opts);
    return true;
  }

  /**
   * Adds a job unless one with its id is waiting, running or delayed; replaces a failed or completed one;
   * promotes a delayed deadline job whose stage is due now (its time moved earlier). An email retry waiting
   * out its backoff is left alone.
   */
  private async addFresh(queue: Queue, name: JobName, data: object, opts: { jobId: string; delay: number } | { jobId: string }): Promise<boolean> {
    const existing = await queue.getJob(opts.jobId);
    if (existing) {
      const state = await existing.getState();
      if (state === 'failed' || state === 'completed') await existing.remove();
      else if (state === 'delayed' && 'delay' in opts && opts.delay === 0) {
        await existing.promote();
        return true;
      } else return false;
    }
    await queue.add(name, data, opts);
    return true;
  }
}
