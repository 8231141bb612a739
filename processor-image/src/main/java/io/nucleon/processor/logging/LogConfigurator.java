package io.nucleon.processor.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The processor's logging, set up in code: JSON lines ({@link JsonLineEncoder}) on stdout, the root
 * logger at {@code NUCLEON_LOG_LEVEL} (default info), Netty and the Kafka client at warn (the Kafka
 * client logs its whole configuration and every rebalance step at info).
 *
 * <p>Code rather than a logback.xml because reading XML loads a parser and Joran's model classes: about
 * a tenth of a second of every processor's start-up. Logback finds this class through {@code
 * META-INF/services}, before it looks for XML. A {@code -Dlogback.configurationFile} or a {@code
 * logback-test.xml} on the class path still wins: this configurator then steps aside.
 */
public final class LogConfigurator extends ContextAwareBase implements Configurator {

    /** The environment variable (or system property, as in logback.xml's substitution) that sets the root level. */
    public static final String LEVEL_ENV = "NUCLEON_LOG_LEVEL";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty(ContextInitializer.CONFIG_FILE_PROPERTY) != null
                || LogConfigurator.class.getClassLoader().getResource(ContextInitializer.TEST_AUTOCONFIG_FILE)
                        != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        JsonLineEncoder encoder = new JsonLineEncoder();
        encoder.setContext(context);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stdout = new ConsoleAppender<>();
        stdout.setContext(context);
        stdout.setName("STDOUT");
        stdout.setEncoder(encoder);
        stdout.start();
        context.getLogger("io.netty").setLevel(Level.WARN);
        context.getLogger("org.apache.kafka").setLevel(Level.WARN);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(rootLevel(System.getProperty(LEVEL_ENV, System.getenv(LEVEL_ENV))));
        root.addAppender(stdout);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** As logback.xml's {@code level="${NUCLEON_LOG_LEVEL:-info}"} read it: an unknown name means debug. */
    static Level rootLevel(String configured) {
        return configured == null || configured.isBlank() ? Level.INFO : Level.toLevel(configured.strip());
    }
}
