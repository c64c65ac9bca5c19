import { JobName, StaleVersionError, ValidationFailedError } from '@rogatory/domain';
import { UnrecoverableError, type Job } from 'bullmq';
import { checkHandlers, runJob, type HandlesJobs } from './job-handler';

const all: HandlesJobs = {
  handlers: Object.fromEntries(Object.values(JobName).map((n) => [n, async () => n])),
};

describe('worker job handlers', () => {
  it('accepts exactly one handler per job name', () => {
    expect(() => checkHandlers([all])).not.toThrow();
  });

  it('fails at start-up when a job name has no handler or two', () => {
    const missing: HandlesJobs = { handlers: { ...all.handlers, [JobName.Sweep]: undefined } };
    expect(() => checkHandlers([missing])).toThrow('sweep: 0 handlers');
    expect(() => checkHandlers([all, { handlers: { [JobName.SendEmail]: async () => 1 } }])).toThrow('send-email: 2 handlers');
  });

  it('retries a stale version, gives up on other domain errors', async () => {
    const job = (name: string) => ({ name, data: {}, queueName: 'q' }) as Job;
    await expect(
      runJob(
        {
          [JobName.Sweep]: async () => {
            throw new StaleVersionError(1, 2);
          },
        },
        job(JobName.Sweep),
      ),
    ).rejects.toBeInstanceOf(StaleVersionError);
    await expect(
      runJob(
        {
          [JobName.Sweep]: async () => {
            throw new ValidationFailedError([{ field: 'x', reason: 'y' }]);
          },
        },
        job(JobName.Sweep),
      ),
    ).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(runJob({}, job('nobody'))).rejects.toThrow('no handler for job nobody');
    expect(await runJob(all.handlers as never, job(JobName.Sweep))).toBe('sweep');
  });
});
