package dev.aside.load;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/** A random token identifying one load's lease in Redis; unguessable, so no other loader can fill under it. */
final class LeaseToken {
  private static final SecureRandom RANDOM = new SecureRandom();

  private LeaseToken() {}

  static byte[] next() {
    byte[] random = new byte[16];
    RANDOM.nextBytes(random);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(random).getBytes(StandardCharsets.US_ASCII);
  }
}
