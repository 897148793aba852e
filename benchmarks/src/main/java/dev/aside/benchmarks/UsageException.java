package dev.aside.benchmarks;

/** A command line that does not name a scenario or carries an unknown or bad option: exit code 2. */
public final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }
}
