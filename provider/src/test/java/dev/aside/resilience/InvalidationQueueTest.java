package dev.aside.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which keys may be read from Redis while invalidations wait, and what a replay forgets; no Redis needed. */
class InvalidationQueueTest {
  private static byte[] key(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aWaitingKeyIsUntrustedUntilItsReplayIsApplied() {
    InvalidationQueue queue = new InvalidationQueue(10);
    assertThat(queue.isEmpty()).isTrue();
    assertThat(queue.isTrusted(key("p:c:{1}"), "p:c")).isTrue();

    queue.add(key("p:c:{1}"), "p:c");
    queue.add(key("p:c:{1}"), "p:c");

    assertThat(queue.isEmpty()).isFalse();
    assertThat(queue.isTrusted(key("p:c:{1}"), "p:c")).as("the waiting key").isFalse();
    assertThat(queue.isTrusted(key("p:c:{2}"), "p:c")).as("another key of its cache").isTrue();
    assertThat(queue.isTrusted(key("p:d:{1}"), "p:d")).as("another cache").isTrue();
    assertThat(queue.size()).as("de-duplicated").isEqualTo(1);
    assertThat(queue.queued()).isEqualTo(1);
    assertThat(queue.pendingKeys()).containsExactly(key("p:c:{1}"));
    assertThat(queue.pendingNamespaces()).isEmpty();

    queue.applied(queue.pendingKeys(), List.of());

    assertThat(queue.isTrusted(key("p:c:{1}"), "p:c")).isTrue();
    assertThat(queue.isEmpty()).isTrue();
    assertThat(queue.size()).isZero();
    assertThat(queue.replayed()).isEqualTo(1);
  }

  @Test
  void aKeyRemembersTheMostReplicasAnyOfItsWritesAskedFor() {
    InvalidationQueue queue = new InvalidationQueue(1);
    queue.add(key("p:c:{1}"), "p:c", 1);
    queue.add(key("p:c:{1}"), "p:c", 0);
    queue.add(key("p:c:{1}"), "p:c", 2);
    assertThat(queue.replicasFor(key("p:c:{1}"))).as("the most asked").isEqualTo(2);
    assertThat(queue.replicasFor(key("p:c:{9}"))).as("not waiting").isZero();

    queue.add(key("p:d:{1}"), "p:d", 1);    // the queue is full: the cache is marked, with its replicas
    assertThat(queue.pendingNamespaces()).containsExactly("p:d");
    assertThat(queue.replicasForNamespace("p:d")).isEqualTo(1);
    queue.applied(List.of(key("p:c:{1}")), List.of("p:d"));
    assertThat(queue.isEmpty()).isTrue();
    assertThat(queue.replicasFor(key("p:c:{1}"))).isZero();
  }

  @Test
  void onlyTheAppliedKeysAreForgotten() {
    InvalidationQueue queue = new InvalidationQueue(10);
    queue.add(key("p:c:{1}"), "p:c");
    queue.add(key("p:c:{2}"), "p:c");
    assertThat(queue.queued()).isEqualTo(2);

    queue.applied(List.of(key("p:c:{1}"), key("p:c:{9}")), List.of());

    assertThat(queue.isTrusted(key("p:c:{1}"), "p:c")).isTrue();
    assertThat(queue.isTrusted(key("p:c:{2}"), "p:c")).isFalse();
    assertThat(queue.isEmpty()).isFalse();
    assertThat(queue.replayed()).as("a key that was not waiting is no replay").isEqualTo(1);
  }

  @Test
  void theQueueKeepsItsOwnCopyOfAKey() {
    InvalidationQueue queue = new InvalidationQueue(10);
    byte[] bytes = key("p:c:{1}");
    queue.add(bytes, "p:c");
    bytes[bytes.length - 2] = '2';

    assertThat(queue.isTrusted(key("p:c:{1}"), "p:c")).isFalse();
    assertThat(queue.isTrusted(key("p:c:{2}"), "p:c")).isTrue();
  }

  @Test
  void aFullQueueMarksTheWholeCacheUntilItIsCleared() {
    InvalidationQueue queue = new InvalidationQueue(2);
    queue.add(key("p:c:{1}"), "p:c");
    queue.add(key("p:c:{2}"), "p:c");
    assertThat(queue.overflows()).as("two keys fit a capacity of two").isZero();
    assertThat(queue.isTrusted(key("p:c:{3}"), "p:c")).isTrue();

    queue.add(key("p:c:{3}"), "p:c");
    queue.add(key("p:c:{4}"), "p:c");

    assertThat(queue.overflows()).as("counted once per cache").isEqualTo(1);
    assertThat(queue.size()).isEqualTo(2);
    assertThat(queue.isTrusted(key("p:c:{9}"), "p:c")).as("any key of the overflowed cache").isFalse();
    assertThat(queue.isTrusted(key("p:d:{1}"), "p:d")).as("another cache").isTrue();
    assertThat(queue.pendingNamespaces()).containsExactly("p:c");

    queue.applied(queue.pendingKeys(), List.of());
    assertThat(queue.isTrusted(key("p:c:{9}"), "p:c")).as("until the cache is cleared").isFalse();
    assertThat(queue.isEmpty()).isFalse();

    queue.applied(List.of(), List.of("p:c"));
    assertThat(queue.isTrusted(key("p:c:{9}"), "p:c")).isTrue();
    assertThat(queue.isEmpty()).isTrue();
  }

  @Test
  void aFailedClearMarksItsCache() {
    InvalidationQueue queue = new InvalidationQueue(10);
    queue.addNamespace("p:c");

    assertThat(queue.isEmpty()).isFalse();
    assertThat(queue.isTrusted(key("p:c:{1}"), "p:c")).isFalse();
    assertThat(queue.isTrusted(key("p:d:{1}"), "p:d")).isTrue();
    assertThat(queue.pendingNamespaces()).containsExactly("p:c");

    queue.applied(List.of(), queue.pendingNamespaces());
    assertThat(queue.isTrusted(key("p:c:{1}"), "p:c")).isTrue();
    assertThat(queue.isEmpty()).isTrue();
  }
}
