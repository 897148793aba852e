package dev.aside.benchmarks;

import dev.aside.management.ReadPathMetrics;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One process of the {@code stampede} scenario: builds its {@link StampedeReadPath} ({@code --via}),
 * prints {@code ready}, reads the start time (epoch ms) from standard input, lets all its threads miss
 * the key at that instant through that path, then prints its
 * {@link StampedeCheck.Report}: wrong values, slowest get, when its first and last get actually started
 * (ms after the start time), its in-JVM and cross-JVM waits and its own loader calls.
 */
public final class StampedeWorker {
  private StampedeWorker() {}

  public static void main(String[] args) throws Exception {
    String uri = args[0];
    String prefix = args[1];
    String key = args[2];
    String counterKey = args[3];
    int threads = Integer.parseInt(args[4]);
    int loaderMillis = Integer.parseInt(args[5]);

    StampedeReadPath.Via via = StampedeReadPath.Via.of(args[6]);

    StampedeRepository repository = new StampedeRepository(uri, counterKey, loaderMillis);
    StampedeReadPath path = via.open(uri + (uri.contains("?") ? "&" : "?") + "prefix=" + prefix, repository);
    // The whole read path (connection, scripts, Spring's proxy) is ready before the start: a hit, not a load.
    path.put("warm-up", StampedeRepository.valueOf("warm-up"));
    path.get("warm-up");

    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<long[]>> results = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      results.add(pool.submit(() -> {
        go.await();
        long startedAtMicros = epochMicros();
        long start = System.nanoTime();
        String value = path.get(key);
        return new long[] {StampedeRepository.valueOf(key).equals(value) ? 0 : 1,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), startedAtMicros};
      }));
    }
    System.out.println("ready");
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    long startAt = Long.parseLong(in.readLine().trim());
    long wait = startAt - System.currentTimeMillis() - 2;
    if (wait > 0) {
      Thread.sleep(wait);
    }
    while (epochMicros() < startAt * 1000) {
      Thread.onSpinWait();
    }
    go.countDown();
    long wrong = 0;
    long slowest = 0;
    long firstStart = Long.MAX_VALUE;
    long lastStart = Long.MIN_VALUE;
    for (Future<long[]> result : results) {
      long[] r = result.get(60, TimeUnit.SECONDS);
      wrong += r[0];
      slowest = Math.max(slowest, r[1]);
      firstStart = Math.min(firstStart, r[2]);
      lastStart = Math.max(lastStart, r[2]);
    }
    ReadPathMetrics metrics = path.metrics();
    StampedeCheck.Report report = new StampedeCheck.Report(wrong, slowest, (firstStart - startAt * 1000) / 1000.0,
        (lastStart - startAt * 1000) / 1000.0, metrics.getCoalescedWaits(), metrics.getCrossJvmWaits(),
        repository.calls());
    System.out.println(report.line());
    System.out.flush();
    pool.shutdown();
    path.close();
    repository.close();
    System.exit(0);
  }

  private static long epochMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
  }
}
