package dev.aside.near;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.redis.Ttl;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TouchQueueTest {
  @Test
  void touchesOfOneKeyAreCoalescedAndOneCallerSchedulesTheDrain() throws Exception {
    TouchQueue queue = new TouchQueue();
    assertThat(queue.offer(key("a"), 10_000)).as("first offer schedules").isTrue();
    assertThat(queue.offer(key("a"), 10_000)).isFalse();
    assertThat(queue.offer(key("b"), Ttl.ETERNAL)).isFalse();
    assertThat(queue.size()).isEqualTo(2);
    Thread.sleep(50);

    List<TouchQueue.Touch> touches = queue.drain();
    assertThat(touches).hasSize(2);
    TouchQueue.Touch a = touches.stream().filter(t -> new String(t.redisKey(), StandardCharsets.UTF_8).equals("a"))
        .findFirst().orElseThrow();
    assertThat(a.ttlMillis()).as("reduced by the time since the access").isBetween(1L, 9_960L);
    TouchQueue.Touch b = touches.stream().filter(t -> new String(t.redisKey(), StandardCharsets.UTF_8).equals("b"))
        .findFirst().orElseThrow();
    assertThat(b.ttlMillis()).isEqualTo(Ttl.ETERNAL);

    assertThat(queue.size()).isZero();
    assertThat(queue.offer(key("a"), 10_000)).as("after a drain the next offer schedules again").isTrue();
  }

  private static byte[] key(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
