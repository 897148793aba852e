package dev.aside.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** The one redactor, on every URI form the README lists; the live places are in it.PasswordRedactionTest. */
class RedactedUriTest {
  @Test
  void severalSentinelHostsKeepTheirStructureWithoutThePassword() {
    URI uri = URI.create("redis-sentinel://:s3cret@127.0.0.1:26400,127.0.0.1:26401/0?sentinelMasterId=mymaster");
    assertThat(uri.getUserInfo()).as("why a URI-based mask missed it").isNull();
    assertThat(RedactedUri.of(uri))
        .isEqualTo("redis-sentinel://:***@127.0.0.1:26400,127.0.0.1:26401/0?sentinelMasterId=mymaster");
  }

  @Test
  void everyFormKeepsTheUserAndDropsThePassword() {
    assertThat(RedactedUri.of(URI.create("redis://app:s3cret@h:6380/1?prefix=p"))).isEqualTo("redis://app:***@h:6380/1?prefix=p");
    assertThat(RedactedUri.of(URI.create("redis://s3cret@h"))).isEqualTo("redis://***@h");
    assertThat(RedactedUri.of(URI.create("rediss://app:s3cr%40t@h"))).isEqualTo("rediss://app:***@h");
    assertThat(RedactedUri.of(URI.create("rediss-sentinel://u:s3cret@a:1,b:2#mymaster")))
        .isEqualTo("rediss-sentinel://u:***@a:1,b:2#mymaster");
    assertThat(RedactedUri.of(URI.create("redis://h:6379"))).isEqualTo("redis://h:6379");
  }

  @Test
  void textThatDoesNotParseIsMaskedFromTheSchemeToItsLastAt() {
    assertThat(RedactedUri.of("redis://app:s3c ret@host:1")).isEqualTo("redis://***@host:1");
  }
}
