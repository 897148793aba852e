package dev.aside.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One timed run of the workload against one user service: paced worker threads (an open loop at a fixed request
 * rate, latency measured from each request's scheduled start), the hot user's eviction at 40 % of the run, a
 * Redis outage from 60 % (private Redis only), and a per-second sampler feeding the progress line.
 */
final class WorkloadRun {

    private static final Logger LOG = LoggerFactory.getLogger(WorkloadRun.class);
    private static final long START_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /** When, as a fraction of the run, the hot user's entry is evicted. */
    static final double EVICTION_AT = 0.4;
    /** When, as a fraction of the run, Redis is killed. */
    static final double KILL_AT = 0.6;
    /** The event that marks the start of the outage. */
    static final String REDIS_KILLED = "Redis killed";
    /** The event that marks the end of the outage. */
    static final String REDIS_RESTARTED = "Redis restarted (empty)";
    private static final Duration MAX_OUTAGE = Duration.ofSeconds(5);
    /** How long past its end a run keeps serving requests that fell behind schedule; the rest count as failed. */
    private static final Duration GRACE = Duration.ofSeconds(10);

    private final DemoOptions options;
    private final Duration duration;
    private final boolean rehearsal;
    private final Workload workload;
    private final UserService service;
    private final UserDatabase database;
    private final RedisTarget redis;
    private final ProgressLine progress;

    private WorkloadRun(DemoOptions options, Duration duration, boolean rehearsal, Workload workload,
                        UserService service, UserDatabase database, RedisTarget redis, ProgressLine progress) {
        this.options = options;
        this.duration = duration;
        this.rehearsal = rehearsal;
        this.workload = workload;
        this.service = service;
        this.database = database;
        this.redis = redis;
        this.progress = progress;
    }

    /** The run that counts: the configured duration, with the mishaps, and the progress line. */
    static WorkloadRun measured(DemoOptions options, Workload workload, UserService service, UserDatabase database,
                                RedisTarget redis, ProgressLine progress) {
        return new WorkloadRun(options, options.duration(), false, workload, service, database, redis, progress);
    }

    /** A short silent run without mishaps that warms the JVM up (class loading, JIT) before the measured runs. */
    static WorkloadRun rehearsal(DemoOptions options, Duration duration, Workload workload, UserService service,
                                 UserDatabase database, RedisTarget redis) {
        return new WorkloadRun(options, duration, true, workload, service, database, redis, null);
    }

    /** Runs the workload for its duration and summarizes what happened. */
    RunReport run() throws InterruptedException {
        CommittedVersions committed = new CommittedVersions(workload.users());
        long durationNanos = duration.toNanos();
        long start = System.nanoTime() + START_DELAY_NANOS;
        RunMetrics metrics = new RunMetrics(database, start);
        long end = start + durationNanos;
        long giveUp = end + GRACE.toNanos();
        long totalSeconds = (long) Math.ceil(durationNanos / 1e9);

        ScheduledExecutorService clock = Executors.newScheduledThreadPool(3, runnable -> {
            Thread thread = new Thread(runnable, "demo-clock");
            thread.setDaemon(true);
            return thread;
        });
        try {
            ScheduledFuture<?> sampler = clock.scheduleAtFixedRate(() -> {
                RunMetrics.Second second = metrics.sample();
                if (progress != null) {
                    progress.show(service.name(), second, totalSeconds, metrics.failures(), metrics.staleReads(),
                            redis.isDown());
                }
            }, start + TimeUnit.SECONDS.toNanos(1) - System.nanoTime(), TimeUnit.SECONDS.toNanos(1),
                    TimeUnit.NANOSECONDS);
            List<ScheduledFuture<?>> mishaps = rehearsal ? List.of()
                    : scheduleMishaps(clock, metrics, start, durationNanos);

            List<Thread> workers = new ArrayList<>();
            for (int i = 0; i < options.threads(); i++) {
                int index = i;
                Thread worker = new Thread(() -> work(index, metrics, committed, start, end, giveUp),
                        "demo-worker-" + i);
                workers.add(worker);
                worker.start();
            }
            for (Thread worker : workers) {
                worker.join();
            }
            for (ScheduledFuture<?> mishap : mishaps) {
                awaitQuietly(mishap);
            }
            sampler.cancel(false);
            metrics.sample();
            if (progress != null) {
                progress.finish();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return RunReport.of(service, metrics, database, seconds);
        } finally {
            clock.shutdownNow();
        }
    }

    private List<ScheduledFuture<?>> scheduleMishaps(ScheduledExecutorService clock, RunMetrics metrics, long start,
                                                     long durationNanos) {
        List<ScheduledFuture<?>> scheduled = new ArrayList<>();
        scheduled.add(at(clock, start, start + Math.round(durationNanos * EVICTION_AT), metrics,
                "hot user " + Workload.HOT_ID + " evicted", () -> service.evict(Workload.HOT_ID)));
        if (redis.owned()) {
            long killAt = start + Math.round(durationNanos * KILL_AT);
            scheduled.add(at(clock, start, killAt, metrics, REDIS_KILLED, redis::kill));
            scheduled.add(at(clock, start, killAt + outage(duration).toNanos(), metrics, REDIS_RESTARTED,
                    redis::restart));
        }
        return scheduled;
    }

    /** How long Redis stays down in a run of this length: a quarter of it, at most 5 s. */
    static Duration outage(Duration runDuration) {
        Duration quarter = runDuration.dividedBy(4);
        return quarter.compareTo(MAX_OUTAGE) < 0 ? quarter : MAX_OUTAGE;
    }

    /** A thing done to the system at a point in the run. */
    private interface Mishap {
        void run() throws Exception;
    }

    private static ScheduledFuture<?> at(ScheduledExecutorService clock, long start, long when, RunMetrics metrics,
                                         String what, Mishap mishap) {
        return clock.schedule(() -> {
            metrics.event((System.nanoTime() - start) / 1e9, what);
            try {
                mishap.run();
            } catch (Exception e) {
                LOG.warn("{} failed: {}", what, e.toString());
            }
        }, when - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    private void work(int index, RunMetrics metrics, CommittedVersions committed, long start, long end, long giveUp) {
        Workload.Stream operations = workload.stream(index);
        long interval = Math.max(1, Math.round(options.threads() * 1e9 / options.rate()));
        long scheduled = start + interval * index / options.threads();
        for (; scheduled < end; scheduled += interval) {
            long now = System.nanoTime();
            if (now > giveUp) {
                metrics.unserved((end - scheduled + interval - 1) / interval);
                return;
            }
            while (now < scheduled) {
                LockSupport.parkNanos(scheduled - now);
                now = System.nanoTime();
            }
            execute(operations.next(), scheduled, metrics, committed);
        }
    }

    private void execute(Workload.Operation operation, long scheduled, RunMetrics metrics,
                         CommittedVersions committed) {
        long id = operation.id();
        switch (operation.kind()) {
            case UPDATE -> {
                try {
                    long version = service.update(id);
                    committed.commit(id, version);
                    metrics.updateServed(System.nanoTime() - scheduled);
                } catch (Exception e) {
                    metrics.updateFailed(e, System.nanoTime() - scheduled);
                }
            }
            case READ, READ_MISSING -> {
                boolean missing = operation.kind() == Workload.Kind.READ_MISSING;
                long floor = missing ? 0 : committed.floor(id);
                try {
                    User user = service.find(id);
                    metrics.readServed(missing, System.nanoTime() - scheduled);
                    if (missing ? user != null : user == null || user.version() < floor) {
                        metrics.staleRead();
                    }
                } catch (Exception e) {
                    metrics.readFailed(e, System.nanoTime() - scheduled);
                }
            }
            default -> throw new IllegalStateException("Unknown operation " + operation);
        }
    }

    private static void awaitQuietly(ScheduledFuture<?> future) throws InterruptedException {
        try {
            future.get();
        } catch (ExecutionException e) {
            LOG.warn("A scheduled mishap failed", e.getCause());
        }
    }
}
