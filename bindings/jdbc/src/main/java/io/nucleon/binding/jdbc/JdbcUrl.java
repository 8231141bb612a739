package io.nucleon.binding.jdbc;

import java.util.regex.Pattern;

/**
 * Hides passwords in JDBC URLs before they reach a log line or a message. A JDBC URL may carry one in its
 * parameters ({@code jdbc:postgresql://db/orders?user=app&password=secret}, {@code ;password=} for SQL Server,
 * {@code sslpassword=}) or, for drivers that allow it, in user information ({@code jdbc:mysql://app:secret@db/}).
 */
final class JdbcUrl {

    /** The text that stands in for a hidden value: {@value}. */
    static final String MASK = "****";

    /** A parameter whose name ends with "password", up to the next separator. */
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)([?&;][^=&;?#\\s]*password=)[^&;#\\s]*");

    /** The password of {@code scheme://user:password@host}. */
    private static final Pattern USER_INFO_PASSWORD = Pattern.compile("(//[^:/@\\s]*:)[^\\s]*@");

    private JdbcUrl() {}

    /**
     * @param text a JDBC URL, or any text that may contain one (an exception's message)
     * @return the text with every password replaced by {@value #MASK}
     */
    static String redact(String text) {
        if (text == null) {
            return null;
        }
        String hidden = PASSWORD_PARAMETER.matcher(text).replaceAll("$1" + MASK);
        return USER_INFO_PASSWORD.matcher(hidden).replaceAll("$1" + MASK + "@");
    }
}
