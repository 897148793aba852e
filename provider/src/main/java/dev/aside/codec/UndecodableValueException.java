package dev.aside.codec;

/** Raised when bytes found in Redis are not a value this codec wrote (foreign, corrupt or disallowed). */
public final class UndecodableValueException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The class the deserialization allowlist refused, if that is why; else null. */
  private final String disallowedClass;

  public UndecodableValueException(String message) {
    this(message, null, null);
  }

  public UndecodableValueException(String message, Throwable cause) {
    this(message, cause, null);
  }

  UndecodableValueException(String message, Throwable cause, String disallowedClass) {
    super(message, cause, false, false);
    this.disallowedClass = disallowedClass;
  }

  /** The name of the class the deserialization allowlist refused, or null if the bytes failed for another reason. */
  public String disallowedClass() {
    return disallowedClass;
  }
}
