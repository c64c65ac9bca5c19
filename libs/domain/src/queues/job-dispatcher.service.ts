import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Stage } from '@rogatory/workflow';
import { Queue } from 'bullmq';
import { Clock } from '../clock';
import { DEFAULT_JOB_OPTIONS, JobName, jobIds, QueueName, RETRY_POLICIES } from './queues';

/** Work to queue once a transaction has committed. */
export type PostCommitJob = { kind: 'deadline'; deadlineId: string; stage: Stage; fireAt: Date } | { kind: 'email'; outboxId: string };

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
        if (job.kind === 'email') await this.enqueueEmail(job.outboxId);
        else await this.enqueueDeadline(job.deadlineId, job.stage, job.fireAt);
      } catch (err) {
        this.logger.warn(`enqueue of ${job.kind} failed, the sweeper will retry: ${(err as Error).message}`);
      }
    }
  }

  async enqueueDeadline(deadlineId: string, stage: Stage, fireAt: Date): Promise<boolean> {
    const delay = fireAt.getTime() - this.clock.now().getTime();
    if (delay > 0 && !this.clock.realTime) return false;
    await this.deadlines.add(
      JobName.DeadlineDue,
      { deadlineId, stage },
      { ...DEFAULT_JOB_OPTIONS, ...RETRY_POLICIES.deadline, jobId: jobIds.deadlineDue(deadlineId, stage), delay: Math.max(0, delay) },
    );
    return true;
  }

  async enqueueEmail(outboxId: string): Promise<void> {
    await this.outbox.add(JobName.SendEmail, { outboxId }, { ...DEFAULT_JOB_OPTIONS, ...RETRY_POLICIES.email, jobId: jobIds.sendEmail(outboxId) });
  }
}
