package dev.aside.cache;

import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;

/** The outcome of one key of {@code invokeAll}: the processor's result or its exception. */
final class ProcessorResult<T> implements EntryProcessorResult<T> {
  private final T result;
  private final EntryProcessorException failure;

  ProcessorResult(T result, EntryProcessorException failure) {
    this.result = result;
    this.failure = failure;
  }

  @Override
  public T get() {
    if (failure != null) {
      throw failure;
    }
    return result;
  }
}
