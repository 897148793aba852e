package dev.aside.redis;

/** When {@link RedisStore#put} writes: always, only if the entry is absent, or only if it is present. */
public enum PutCondition {
  ALWAYS('A'),
  IF_ABSENT('N'),
  IF_PRESENT('X');

  /* The condition argument of put.lua. */
  private final byte code;

  PutCondition(char code) {
    this.code = (byte) code;
  }

  byte code() {
    return code;
  }
}
