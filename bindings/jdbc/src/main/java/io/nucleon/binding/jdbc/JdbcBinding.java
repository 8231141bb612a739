package io.nucleon.binding.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * A {@code jdbc} data binding as functions see it: a pool of connections to one database (HikariCP), shared by all
 * workers and safe to use from any of them. The processor opens the pool before the first event, proves at start
 * that it can hand out a working connection, and closes it at shutdown.
 *
 * <pre>{@code
 * public void init(InitContext context) {
 *     db = context.dataBinding("orders-db", JdbcBinding.class);
 * }
 *
 * public Response handle(Context context, Event event) throws SQLException {
 *     db.update("insert into orders(id, body) values (?, ?)", event.id(), event.bodyString());
 *     long count = db.query("select count(*) from orders", row -> row.getLong(1)).get(0);
 *     return Response.ok(Long.toString(count));
 * }
 * }</pre>
 *
 * <p>{@link #update} and {@link #query} run one statement on a connection of their own, in auto-commit mode. For
 * transactions, batches or streaming large results, borrow a {@link #connection()} and close it when done.
 */
public final class JdbcBinding {

    private final DataSource dataSource;
    private final String description;

    /**
     * @param dataSource the pool
     * @param description the pool's name and the database's URL without passwords
     */
    JdbcBinding(DataSource dataSource, String description) {
        this.dataSource = dataSource;
        this.description = description;
    }

    /**
     * The pool itself, for libraries that take a {@link DataSource} (jOOQ, Spring's {@code JdbcTemplate}, MyBatis).
     * It is a {@code com.zaxxer.hikari.HikariDataSource}. The processor owns it: do not close it.
     *
     * @return the pooled data source
     */
    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * Borrows a connection from the pool, waiting at most the binding's {@code connectionTimeout} for one. Closing it
     * gives it back: use try-with-resources. It starts in auto-commit mode; a connection given back with a
     * transaction still open is rolled back.
     *
     * @return a connection the caller closes
     * @throws SQLException when no connection is free or can be opened within {@code connectionTimeout}
     */
    public Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    /**
     * Runs one {@code INSERT}, {@code UPDATE}, {@code DELETE} or DDL statement with {@code ?} parameters, committed
     * on its own.
     *
     * @param sql the statement, with a {@code ?} for each parameter
     * @param params the parameters' values, in order, as {@link PreparedStatement#setObject(int, Object)} takes them
     * @return the number of rows changed (0 for DDL)
     * @throws SQLException when the database refuses the statement or no connection can be had
     */
    public int update(String sql, Object... params) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, params);
            return statement.executeUpdate();
        }
    }

    /**
     * Runs one query with {@code ?} parameters and maps each row. The whole result is read into memory before the
     * connection goes back to the pool.
     *
     * @param <T> what a row becomes
     * @param sql the query, with a {@code ?} for each parameter
     * @param mapper turns the current row into a {@code T}; must not move the result set
     * @param params the parameters' values, in order, as {@link PreparedStatement#setObject(int, Object)} takes them
     * @return the mapped rows, in the order the database returned them; empty when there are none
     * @throws SQLException when the database refuses the query, the mapper throws, or no connection can be had
     */
    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, params);
            try (ResultSet rows = statement.executeQuery()) {
                List<T> mapped = new ArrayList<>();
                while (rows.next()) {
                    mapped.add(mapper.map(rows));
                }
                return mapped;
            }
        }
    }

    private static void bind(PreparedStatement statement, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            statement.setObject(i + 1, params[i]);
        }
    }

    /** @return the pool's name and the database's URL, without passwords */
    @Override
    public String toString() {
        return "JdbcBinding[" + description + "]";
    }

    /**
     * Turns one row of a result into an object, for {@link #query}.
     *
     * @param <T> what a row becomes
     */
    @FunctionalInterface
    public interface RowMapper<T> {

        /**
         * @param row the result, positioned on the row to map; read it with its getters only
         * @return the row's object
         * @throws SQLException when a column cannot be read
         */
        T map(ResultSet row) throws SQLException;
    }
}
