package io.nucleon.binding.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.nucleon.runtime.Processor;
import io.nucleon.testing.brokers.BrokerProcess;
import io.nucleon.testing.brokers.SharedBroker;
import io.nucleon.testing.processor.HttpProcessor;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jdbc binding in a real processor against the machine's PostgreSQL ({@link SharedBroker#POSTGRES}): a function
 * writes and reads through it per HTTP request, the test checks the table with a connection of its own; a database
 * that cannot be reached stops the start; closing the processor closes the pool.
 */
class JdbcBindingIT {

    private static final String DATABASE = "jdbc:postgresql://127.0.0.1:5432/test";

    private String table;

    @BeforeEach
    void createTable() throws SQLException {
        SharedBroker.POSTGRES.require();
        RowCounter.FETCHED.clear();
        table = "nucleon_jdbc_it_" + UUID.randomUUID().toString().replace("-", "");
        execute("create table " + table + " (id bigserial primary key, body text not null, worker int not null)");
    }

    @AfterEach
    void dropTable() throws SQLException {
        if (table != null && SharedBroker.POSTGRES.reachable()) {
            execute("drop table if exists " + table);
        }
    }

    @Test
    void shouldInsertARowPerRequestAndAnswerWithTheCountReadThroughTheBinding() throws SQLException {
        try (HttpProcessor processor = start(binding(DATABASE, "username: postgres"))) {
            assertThat(processor.post("/", "first").body()).isEqualTo("1");
            assertThat(processor.post("/", "second").body()).isEqualTo("2");
            assertThat(processor.post("/", "third").body()).isEqualTo("3");

            assertThat(bodies()).containsExactly("first", "second", "third");
            assertThat(RowCounter.FETCHED).hasSize(1); // both workers share one binding
            assertThat(processor.metrics())
                    .contains("hikaricp_connections_max{pool=\"nucleon-orders-db\"} 10.0")
                    .contains("hikaricp_connections_acquire_seconds_count{pool=\"nucleon-orders-db\"}");
        }
    }

    @Test
    void shouldLandEveryRequestSentConcurrently() throws Exception {
        int requests = 100;
        List<HttpResponse<String>> responses = new ArrayList<>();
        try (HttpProcessor processor = start(binding(DATABASE, "username: postgres", "maxPoolSize: 4"));
                ExecutorService senders = Executors.newFixedThreadPool(4)) {
            List<Future<HttpResponse<String>>> sent = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                String body = "request-" + i;
                sent.add(senders.submit(() -> processor.post("/", body)));
            }
            for (Future<HttpResponse<String>> each : sent) {
                responses.add(each.get());
            }
        }

        assertThat(responses)
                .allSatisfy(response -> assertThat(response.statusCode()).isEqualTo(200));
        // The count read last comes after every insert, so the largest answer is the whole table.
        assertThat(responses.stream().mapToLong(response -> Long.parseLong(response.body())))
                .allMatch(count -> count >= 1 && count <= requests)
                .contains((long) requests);
        assertThat(bodies()).hasSize(requests).doesNotHaveDuplicates();
    }

    @Test
    void shouldFailTheStartNamingTheBindingWhenNothingListens() {
        int port = BrokerProcess.freePort();
        String yaml = binding("jdbc:postgresql://127.0.0.1:" + port + "/test", "connectionTimeout: 1s");

        assertThatThrownBy(() -> Processor.start(HttpProcessor.settings("orders", RowCounter.class.getName(), yaml)))
                .hasMessageContaining("data binding 'db' (kind jdbc")
                .hasMessageContaining("check at start failed")
                .hasMessageContaining("Connection to 127.0.0.1:" + port + " refused");
    }

    @Test
    void shouldFailTheStartWithTheDriversReasonWhenTheDatabaseDoesNotExist() {
        String yaml = binding(
                "jdbc:postgresql://127.0.0.1:5432/nucleon_no_such_db", "username: postgres", "connectionTimeout: 1s");

        assertThatThrownBy(() -> Processor.start(HttpProcessor.settings("orders", RowCounter.class.getName(), yaml)))
                .hasMessageContaining("data binding 'db' (kind jdbc")
                .hasMessageContaining("database \"nucleon_no_such_db\" does not exist");
    }

    @Test
    void shouldReadThePasswordFromASecretFileAndNeverShowIt(@TempDir Path secrets) throws Exception {
        String password = "nucleon-it-" + UUID.randomUUID();
        Path file = Files.writeString(secrets.resolve("db-password"), password + "\n");
        String secret = """
                      secrets:
                        password: {file: %s}
                """.formatted(file);
        int closedPort = BrokerProcess.freePort();

        try (CapturedLogs logs = new CapturedLogs()) {
            // PostgreSQL trusts 127.0.0.1 here, so it ignores the password: the start proves the secret was read.
            try (HttpProcessor processor = start(binding(DATABASE, "username: postgres") + secret)) {
                assertThat(processor.post("/", "with-secret").body()).isEqualTo("1");
            }
            String unreachable = binding(
                            "jdbc:postgresql://127.0.0.1:" + closedPort + "/test",
                            "username: postgres",
                            "connectionTimeout: 1s")
                    + secret;
            assertThatThrownBy(() ->
                            Processor.start(HttpProcessor.settings("orders", RowCounter.class.getName(), unreachable)))
                    .hasMessageContaining("data binding 'db'")
                    .hasMessageNotContaining(password);

            assertThat(logs.lines()).isNotEmpty().noneMatch(line -> line.contains(password));
        }
        assertThat(bodies()).containsExactly("with-secret");
    }

    @Test
    void shouldCloseThePoolAndItsConnectionsWhenTheProcessorCloses() throws SQLException {
        String application = "nucleon-it-" + UUID.randomUUID();
        HttpProcessor processor = start(binding(
                DATABASE, "username: postgres", "minIdle: 2", "properties: {ApplicationName: " + application + "}"));
        try {
            assertThat(processor.post("/", "before-close").body()).isEqualTo("1");
            await().atMost(Duration.ofSeconds(10)).until(() -> connectionsOf(application) == 2);
        } finally {
            processor.close();
        }

        assertThat(RowCounter.FETCHED).singleElement().satisfies(binding -> assertThat(
                        ((HikariDataSource) binding.dataSource()).isClosed())
                .isTrue());
        await().atMost(Duration.ofSeconds(10)).until(() -> connectionsOf(application) == 0);
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    private HttpProcessor start(String binding) {
        return HttpProcessor.start("orders", RowCounter.class.getName(), binding);
    }

    /** The {@code spec} lines of a binding {@code db} and the function's {@code TABLE} variable. */
    private String binding(String url, String... attributes) {
        StringBuilder yaml = new StringBuilder()
                .append("  env:\n")
                .append("    TABLE: ")
                .append(table)
                .append('\n')
                .append("  dataBindings:\n")
                .append("    db:\n")
                .append("      kind: jdbc\n")
                .append("      url: ")
                .append(url)
                .append('\n')
                .append("      attributes:\n");
        for (String attribute : attributes) {
            yaml.append("        ").append(attribute).append('\n');
        }
        return yaml.toString();
    }

    private List<String> bodies() throws SQLException {
        List<String> bodies = new ArrayList<>();
        try (Connection connection = connect();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("select body from " + table + " order by id")) {
            while (rows.next()) {
                bodies.add(rows.getString(1));
            }
        }
        return bodies;
    }

    private static int connectionsOf(String application) throws SQLException {
        try (Connection connection = connect();
                var statement = connection.prepareStatement(
                        "select count(*) from pg_stat_activity where application_name = ?")) {
            statement.setString(1, application);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Connection connection = connect();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(DATABASE, "postgres", "");
    }
}
