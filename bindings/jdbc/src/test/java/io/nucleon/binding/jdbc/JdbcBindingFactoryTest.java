package io.nucleon.binding.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.nucleon.runtime.spi.DataBindingContext;
import io.nucleon.runtime.spi.DataBindingFactory;
import io.nucleon.testing.brokers.BrokerProcess;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * The factory builds the pool as configured without connecting (nothing listens on the URL's port), registers
 * HikariCP's meters, and hides passwords when HikariCP refuses the settings.
 */
class JdbcBindingFactoryTest {

    @Test
    void shouldBeFoundAsTheJdbcKind() {
        assertThat(ServiceLoader.load(DataBindingFactory.class).stream().map(ServiceLoader.Provider::type))
                .contains(JdbcBindingFactory.class);
        assertThat(new JdbcBindingFactory().kind()).isEqualTo("jdbc");
    }

    @Test
    void shouldBuildThePoolAsConfiguredWithoutConnecting() throws Exception {
        DataBindingContext context = context(List.of(
                "url: jdbc:postgresql://127.0.0.1:" + BrokerProcess.freePort() + "/test",
                "username: app",
                "maxPoolSize: 3",
                "minIdle: 2",
                "connectionTimeout: 1500ms",
                "idleTimeout: 20s",
                "maxLifetime: 40s",
                "properties: {ApplicationName: orders}"));

        JdbcDataBinding binding = (JdbcDataBinding) new JdbcBindingFactory().create(context);
        try {
            HikariDataSource pool = binding.pool();
            assertThat(pool.isClosed()).isFalse();
            assertThat(pool.getPoolName()).isEqualTo("nucleon-orders-db");
            assertThat(pool.getUsername()).isEqualTo("app");
            assertThat(pool.getMaximumPoolSize()).isEqualTo(3);
            assertThat(pool.getMinimumIdle()).isEqualTo(2);
            assertThat(pool.getConnectionTimeout()).isEqualTo(1500);
            assertThat(pool.getIdleTimeout()).isEqualTo(20_000);
            assertThat(pool.getMaxLifetime()).isEqualTo(40_000);
            assertThat(pool.getDataSourceProperties()).containsEntry("ApplicationName", "orders");
            assertThat(pool.getInitializationFailTimeout()).isEqualTo(-1);
        } finally {
            binding.close();
        }
    }

    @Test
    void shouldHandEveryWorkerTheSameBinding() throws Exception {
        JdbcDataBinding binding = (JdbcDataBinding) new JdbcBindingFactory().create(context(List.of(closedPortUrl())));
        try {
            assertThat(binding.type()).isEqualTo(JdbcBinding.class);
            assertThat(binding.perWorker()).isFalse();
            assertThat(binding.forWorker()).isInstanceOf(JdbcBinding.class).isSameAs(binding.forWorker());
            assertThat(((JdbcBinding) binding.forWorker()).dataSource()).isSameAs(binding.pool());
            assertThat(binding.forWorker().toString()).contains("pool=nucleon-orders-db");
        } finally {
            binding.close();
        }
    }

    @Test
    void shouldRegisterThePoolsMetersAndRemoveThemAtClose() throws Exception {
        DataBindingContext context = context(List.of(closedPortUrl()));
        MeterRegistry registry = context.registry();

        JdbcDataBinding binding = (JdbcDataBinding) new JdbcBindingFactory().create(context);
        assertThat(registry.find("hikaricp.connections.max")
                        .tag("pool", "nucleon-orders-db")
                        .gauge())
                .isNotNull();

        binding.close();

        assertThat(binding.pool().isClosed()).isTrue();
        assertThat(registry.find("hikaricp.connections.max").gauge()).isNull();
    }

    @Test
    void shouldHidePasswordsWhenHikariRefusesTheDriver() {
        DataBindingContext context = context(List.of(
                "url: jdbc:nosuchdb://app:inurl@db/orders?password=inquery",
                "driverClassName: org.postgresql.Driver",
                "password: s3cret"));

        assertThatThrownBy(() -> new JdbcBindingFactory().create(context))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("jdbc:nosuchdb://app:****@db/orders?password=****")
                .hasMessageNotContaining("inurl")
                .hasMessageNotContaining("inquery")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> new JdbcBindingFactory()
                        .create(context(List.of(closedPortUrl(), "driverClassName: com.example.NoSuchDriver"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("com.example.NoSuchDriver");
    }

    private static String closedPortUrl() {
        return "url: jdbc:postgresql://127.0.0.1:" + BrokerProcess.freePort() + "/test";
    }

    private static DataBindingContext context(List<String> attributes) {
        return JdbcBindingConfigTest.context(JdbcBindingConfigTest.yaml(attributes), Map.of());
    }
}
