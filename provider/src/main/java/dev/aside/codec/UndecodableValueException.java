package dev.aside.codec;

/** Raised when bytes found in Redis are not a value this codec wrote (foreign, corrupt or disallowed). */
public final class UndecodableValueException extends Exception {
  private static final long serialVersionUID = 1L;

  public UndecodableValueException(String message) {
    super(message, null, false, false);
  }

  public UndecodableValueException(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
