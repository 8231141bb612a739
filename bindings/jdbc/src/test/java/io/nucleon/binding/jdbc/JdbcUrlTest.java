package io.nucleon.binding.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Passwords in JDBC URLs, and in messages that quote them, are hidden. */
class JdbcUrlTest {

    @Test
    void shouldLeaveUrlsWithoutPasswordsAlone() {
        String url = "jdbc:postgresql://db.example.com:5432/orders?user=app&ssl=true";

        assertThat(JdbcUrl.redact(url)).isEqualTo(url);
    }

    @Test
    void shouldHideAPasswordParameterWhereverItIs() {
        assertThat(JdbcUrl.redact("jdbc:postgresql://db/orders?password=s3cret"))
                .isEqualTo("jdbc:postgresql://db/orders?password=****");
        assertThat(JdbcUrl.redact("jdbc:postgresql://db/orders?user=app&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://db/orders?user=app&password=****&ssl=true");
        assertThat(JdbcUrl.redact("jdbc:sqlserver://db:1433;user=app;Password=s3cret;encrypt=true"))
                .isEqualTo("jdbc:sqlserver://db:1433;user=app;Password=****;encrypt=true");
    }

    @Test
    void shouldHideEveryParameterNamedAfterAPassword() {
        assertThat(JdbcUrl.redact("jdbc:postgresql://db/orders?sslpassword=k3y&password=s3cret"))
                .isEqualTo("jdbc:postgresql://db/orders?sslpassword=****&password=****");
    }

    @Test
    void shouldHideThePasswordOfUserInformation() {
        assertThat(JdbcUrl.redact("jdbc:mysql://app:s3cret@db:3306/orders"))
                .isEqualTo("jdbc:mysql://app:****@db:3306/orders");
        assertThat(JdbcUrl.redact("jdbc:mysql://app@db:3306/orders")).isEqualTo("jdbc:mysql://app@db:3306/orders");
        assertThat(JdbcUrl.redact("jdbc:mysql://app:s3/c@ret@db:3306/orders"))
                .isEqualTo("jdbc:mysql://app:****@db:3306/orders");
    }

    @Test
    void shouldHidePasswordsInTextThatQuotesAUrl() {
        String message = "Driver x claims to not accept jdbcUrl, jdbc:foo://app:s3cret@db/x?password=p4ss (see docs)";

        assertThat(JdbcUrl.redact(message))
                .doesNotContain("s3cret", "p4ss")
                .isEqualTo("Driver x claims to not accept jdbcUrl, jdbc:foo://app:****@db/x?password=**** (see docs)");
    }
}
