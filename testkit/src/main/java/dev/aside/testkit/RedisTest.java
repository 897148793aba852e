package dev.aside.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a test class that talks to a real redis-server (tag {@value #TAG}); tests without it need no Redis.
 *
 * <p>Both kinds run in the default build; {@code -Dgroups=redis} or {@code -DexcludedGroups=redis} picks one.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Tag(RedisTest.TAG)
public @interface RedisTest {
  /** The JUnit tag of Redis tests. */
  String TAG = "redis";
}
