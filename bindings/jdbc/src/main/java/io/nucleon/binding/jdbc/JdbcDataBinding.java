package io.nucleon.binding.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.nucleon.runtime.spi.DataBinding;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processor's side of a {@code jdbc} binding: owns the HikariCP pool that the {@link JdbcBinding} hands out.
 * The pool is built without connecting; {@link #check()} borrows the first connection, so an unreachable database
 * fails the start with the driver's reason.
 */
final class JdbcDataBinding implements DataBinding {

    /** Seconds {@link #check()} gives {@link Connection#isValid(int)}: {@value}. */
    static final int VALID_TIMEOUT_SECONDS = 5;
    /** How long {@link #close()} waits for the pool to shut down before it leaves it to finish alone. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(15);
    /** HikariCP's default {@code keepaliveTime}: how often it pings an idle connection. */
    static final Duration KEEPALIVE_TIME = Duration.ofMinutes(2);

    private static final Logger LOG = LoggerFactory.getLogger(JdbcDataBinding.class);

    private final JdbcBindingConfig config;
    private final HikariDataSource pool;
    private final JdbcBinding binding;

    private JdbcDataBinding(JdbcBindingConfig config, HikariDataSource pool) {
        this.config = config;
        this.pool = pool;
        this.binding = new JdbcBinding(pool, describe(config));
    }

    /**
     * Builds the pool, without waiting for a connection: HikariCP fills it in the background.
     *
     * @param config the binding's attributes
     * @param registry where HikariCP's meters go ({@code hikaricp_*}, tagged with the pool's name)
     * @return the binding, not checked yet
     * @throws IllegalStateException when HikariCP refuses the settings (a driver class that cannot be loaded), with
     *     passwords hidden
     */
    static JdbcDataBinding open(JdbcBindingConfig config, MeterRegistry registry) {
        HikariDataSource pool;
        try {
            HikariConfig hikari = hikariConfig(config);
            hikari.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
            pool = new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            // HikariCP's messages may quote the URL; its cause (the driver's) stays, for its reason and stack.
            String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
            throw new IllegalStateException(
                    JdbcUrl.redact(message.replace(config.url(), config.redactedUrl())), e.getCause());
        }
        LOG.atInfo()
                .setMessage("jdbc pool created")
                .addKeyValue("pool", config.poolName())
                .addKeyValue("url", config.redactedUrl())
                .addKeyValue("maxPoolSize", config.maxPoolSize())
                .log();
        return new JdbcDataBinding(config, pool);
    }

    private static HikariConfig hikariConfig(JdbcBindingConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName(config.poolName());
        hikari.setJdbcUrl(config.url());
        config.username().ifPresent(hikari::setUsername);
        config.password().ifPresent(hikari::setPassword);
        config.driverClassName().ifPresent(hikari::setDriverClassName);
        hikari.setMaximumPoolSize(config.maxPoolSize());
        hikari.setMinimumIdle(config.minIdle());
        hikari.setConnectionTimeout(config.connectionTimeout().toMillis());
        hikari.setIdleTimeout(config.idleTimeout().toMillis());
        hikari.setMaxLifetime(config.maxLifetime().toMillis());
        if (!config.maxLifetime().isZero() && config.maxLifetime().compareTo(KEEPALIVE_TIME) <= 0) {
            hikari.setKeepaliveTime(0); // HikariCP would turn the keepalive off too, with a warning
        }
        config.properties().forEach(hikari::addDataSourceProperty);
        hikari.setInitializationFailTimeout(-1); // no connection in the constructor; check() makes the first
        return hikari;
    }

    @Override
    public Class<?> type() {
        return JdbcBinding.class;
    }

    /** Borrows a connection (waiting at most {@code connectionTimeout}) and asks the database whether it is valid. */
    @Override
    public void check() throws SQLException {
        boolean valid;
        try (Connection connection = pool.getConnection()) {
            valid = connection.isValid(VALID_TIMEOUT_SECONDS);
        } catch (SQLException e) {
            throw new SQLException(
                    "no connection to " + describeDatabase() + " within "
                            + config.connectionTimeout().toMillis() + "ms",
                    e.getSQLState(),
                    e);
        }
        if (!valid) {
            throw new SQLException(
                    describeDatabase() + ": a connection did not pass isValid within " + VALID_TIMEOUT_SECONDS + " s");
        }
    }

    private String describeDatabase() {
        return config.redactedUrl()
                + config.username().map(user -> " as " + user).orElse("");
    }

    @Override
    public Object forWorker() {
        return binding;
    }

    /** @return the pool, for tests */
    HikariDataSource pool() {
        return pool;
    }

    /**
     * Closes the pool: idle connections at once, connections still borrowed aborted. HikariCP bounds each step; this
     * bounds the whole, so that a database that stopped answering cannot hold the processor's shutdown.
     */
    @Override
    public void close() {
        Thread closing = Thread.ofPlatform()
                .daemon(true)
                .name("nucleon-jdbc-close-" + config.poolName())
                .start(pool::close);
        boolean closed;
        try {
            closed = closing.join(CLOSE_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = false;
        }
        if (!closed) {
            LOG.atWarn()
                    .setMessage("jdbc pool still closing; shutdown goes on without it")
                    .addKeyValue("pool", config.poolName())
                    .addKeyValue("waitedMs", CLOSE_TIMEOUT.toMillis())
                    .log();
        }
    }

    private static String describe(JdbcBindingConfig config) {
        return "pool=" + config.poolName() + ", url=" + config.redactedUrl();
    }
}
