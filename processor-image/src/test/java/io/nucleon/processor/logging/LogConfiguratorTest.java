package io.nucleon.processor.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import org.junit.jupiter.api.Test;

class LogConfiguratorTest {

    @Test
    void shouldReadTheRootLevelAsLogbackXmlDid() {
        assertThat(LogConfigurator.rootLevel(null)).isEqualTo(Level.INFO);
        assertThat(LogConfigurator.rootLevel(" ")).isEqualTo(Level.INFO);
        assertThat(LogConfigurator.rootLevel("warn")).isEqualTo(Level.WARN);
        assertThat(LogConfigurator.rootLevel("DEBUG")).isEqualTo(Level.DEBUG);
        assertThat(LogConfigurator.rootLevel("chatty")).isEqualTo(Level.DEBUG);
    }

    @Test
    void shouldStepAsideForALogbackTestXmlOnTheClassPath() {
        LogConfigurator configurator = new LogConfigurator();
        LoggerContext context = new LoggerContext();
        configurator.setContext(context);

        // this module's test resources hold a logback-test.xml
        assertThat(configurator.configure(context)).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(context.getLogger("ROOT").iteratorForAppenders().hasNext()).isFalse();
    }
}
