/**
 * The {@code jdbc} data binding: a HikariCP connection pool to one database, created by the processor from {@code
 * spec.dataBindings}, checked with a first connection before the first event, shared by all workers as a {@link
 * io.nucleon.binding.jdbc.JdbcBinding}, and closed at shutdown. The PostgreSQL driver comes with it. See
 * docs/bindings/jdbc.md.
 */
package io.nucleon.binding.jdbc;
