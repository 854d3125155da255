import type { FastifyBaseLogger } from 'fastify';

/**
 * Work that runs beside the requests: the rollup's sync and compaction, housekeeping, and the
 * notification worker and reminder scan (NOTIFY_WORKER). The composition root builds the one list
 * of them; the app starts them when it becomes ready and stops them when it closes, in reverse order.
 */
export interface BackgroundJob {
  name: string;
  /** Must finish before the first request is served (the app waits for it when it starts). */
  beforeServing?: boolean;
  start(): Promise<void>;
  /** Waits for work in progress; called once, on close. */
  stop(): Promise<void>;
}

export class BackgroundJobs {
  private started: BackgroundJob[] = [];

  constructor(
    private readonly jobs: readonly BackgroundJob[],
    private readonly log: FastifyBaseLogger,
  ) {}

  get names(): string[] {
    return this.jobs.map((job) => job.name);
  }

  /** The jobs that must precede serving first, in order; then the others. */
  async start(): Promise<void> {
    const ordered = [...this.jobs.filter((job) => job.beforeServing), ...this.jobs.filter((job) => !job.beforeServing)];
    for (const job of ordered) {
      await job.start();
      this.started.push(job);
    }
  }

  async stop(): Promise<void> {
    const running = this.started.reverse();
    this.started = [];
    for (const job of running) {
      try {
        await job.stop();
      } catch (error) {
        this.log.warn({ err: error, job: job.name }, 'background job did not stop cleanly');
      }
    }
  }
}

/** One clean-up step of a periodic job; answers how many rows or files it removed. */
export interface PeriodicTask {
  name: string;
  run(now: number): Promise<number>;
}

/**
 * Runs its tasks at start and then every `everyMs` (timer unref'd, so it never holds the process).
 * A failure is logged and retried next time; the tasks are safe to run on every instance at once.
 */
export function periodicJob(
  name: string,
  everyMs: number,
  tasks: readonly PeriodicTask[],
  log: FastifyBaseLogger,
): BackgroundJob {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const runAll = async () => {
    const now = Math.floor(Date.now() / 1000);
    const removed: Record<string, number> = {};
    for (const task of tasks) {
      try {
        removed[task.name] = await task.run(now);
      } catch (error) {
        log.warn({ err: error, job: name, task: task.name }, 'background task failed; will retry');
      }
    }
    if (Object.values(removed).some((count) => count > 0)) log.info({ job: name, removed }, name);
  };
  const tick = () => {
    running ??= runAll().finally(() => {
      running = undefined;
    });
  };
  return {
    name,
    start: async () => {
      timer = setInterval(tick, everyMs);
      timer.unref();
      tick();
    },
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
