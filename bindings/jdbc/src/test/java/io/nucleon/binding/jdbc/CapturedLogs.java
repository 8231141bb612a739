package io.nucleon.binding.jdbc;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Every log line while open, Nucleon's and HikariCP's down to DEBUG (kept off the console): the text of each line with its key-value
 * pairs and its exception chain, for tests that look for what must never be logged.
 */
final class CapturedLogs implements AutoCloseable {

    private static final List<String> LOGGERS = List.of("io.nucleon", "com.zaxxer.hikari");

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Map<Logger, Level> levels = new java.util.LinkedHashMap<>();
    private final Logger root;

    CapturedLogs() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        appender.setContext(context);
        appender.start();
        root.addAppender(appender);
        for (String name : LOGGERS) {
            Logger logger = context.getLogger(name);
            levels.put(logger, logger.getLevel());
            logger.setLevel(Level.DEBUG);
            logger.addAppender(appender);
            logger.setAdditive(false); // DEBUG lines for the test, not the console
        }
    }

    /** @return each captured line as text: message, key-value pairs, exception messages */
    List<String> lines() {
        List<String> lines = new ArrayList<>();
        for (ILoggingEvent event : List.copyOf(appender.list)) {
            StringBuilder line = new StringBuilder(event.getFormattedMessage());
            if (event.getKeyValuePairs() != null) {
                event.getKeyValuePairs().forEach(pair -> line.append(' ').append(pair));
            }
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                line.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
            }
            lines.add(line.toString());
        }
        return lines;
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        levels.forEach((logger, level) -> {
            logger.detachAppender(appender);
            logger.setAdditive(true);
            logger.setLevel(level);
        });
        appender.stop();
    }
}
