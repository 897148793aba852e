package dev.aside.spring.boot;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The log lines written while it is open, captured from logback's root logger. Open it after the
 * applications started: Spring Boot resets logback's configuration when an application starts.
 */
public final class LogLines implements AutoCloseable {
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  public LogLines() {
    appender.start();
    root.addAppender(appender);
  }

  /** Lines at WARN or above whose logger name starts with {@code loggerPrefix}. */
  public List<String> warnings(String loggerPrefix) {
    List<ILoggingEvent> events;
    // Logback appends holding the appender's lock (AppenderBase.doAppend is synchronized), so the list is copied
    // under that lock, never while another thread adds to it.
    synchronized (appender) {
      events = List.copyOf(appender.list);
    }
    return events.stream()
        .filter(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
        .filter(event -> event.getLoggerName().startsWith(loggerPrefix))
        .map(event -> event.getLoggerName() + ": " + event.getFormattedMessage())
        .toList();
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
  }
}
