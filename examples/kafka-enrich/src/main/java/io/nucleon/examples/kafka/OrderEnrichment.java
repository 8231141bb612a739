package io.nucleon.examples.kafka;

/**
 * Turns one order line into the enriched order's JSON. A pure function, kept apart from the Kafka code
 * so that it can be tested without a broker.
 *
 * <pre>
 *   order-17,3,12.50   (id, quantity, unit price)
 *   -&gt; {"order":"order-17","quantity":3,"unitPrice":12.50,"total":37.50,"source":"orders/0/42"}
 * </pre>
 *
 * <p>Fields may have blanks around them. The id is any non-empty text without a comma; the quantity a
 * whole number from 1 to {@value #MAX_QUANTITY}; the unit price a non-negative amount with at most two
 * decimals and at most ten digits before the point. Money is counted in cents, in a {@code long}, so
 * totals are exact and cannot overflow within those bounds. Anything else is malformed: the line is
 * rejected, never guessed at.
 */
final class OrderEnrichment {

    /** Largest accepted quantity: {@value}. */
    static final int MAX_QUANTITY = 1_000_000;

    private static final int MAX_QUANTITY_DIGITS = 7;
    private static final int MAX_WHOLE_DIGITS = 10;
    private static final int MAX_DECIMALS = 2;
    private static final int NOT_VALID = -1;

    private OrderEnrichment() {}

    /**
     * Appends the enriched JSON of {@code line} to {@code json}.
     *
     * @param line the order line: {@code id,quantity,unitPrice}
     * @param topic the topic the line was read from
     * @param partition its partition
     * @param offset its offset
     * @param json where the JSON goes; left as it was when the line is malformed
     * @return {@code false} when the line is malformed
     */
    static boolean appendJson(CharSequence line, String topic, int partition, long offset, StringBuilder json) {
        int firstComma = indexOf(line, ',', 0);
        int secondComma = firstComma < 0 ? -1 : indexOf(line, ',', firstComma + 1);
        if (secondComma < 0 || indexOf(line, ',', secondComma + 1) >= 0) {
            return false;
        }
        int idStart = skipBlanks(line, 0, firstComma);
        int idEnd = trimBlanks(line, idStart, firstComma);
        long quantity = parseQuantity(line, firstComma + 1, secondComma);
        long unitPriceCents = parseCents(line, secondComma + 1, line.length());
        if (idStart == idEnd || quantity == NOT_VALID || unitPriceCents == NOT_VALID) {
            return false;
        }
        json.append("{\"order\":\"");
        appendEscaped(json, line, idStart, idEnd);
        json.append("\",\"quantity\":").append(quantity).append(",\"unitPrice\":");
        appendCents(json, unitPriceCents);
        json.append(",\"total\":");
        appendCents(json, quantity * unitPriceCents);
        json.append(",\"source\":\"");
        appendEscaped(json, topic, 0, topic.length());
        json.append('/').append(partition).append('/').append(offset).append("\"}");
        return true;
    }

    /** @return the quantity, or {@link #NOT_VALID} */
    private static long parseQuantity(CharSequence text, int from, int to) {
        int start = skipBlanks(text, from, to);
        int end = trimBlanks(text, start, to);
        long quantity = parseDigits(text, start, end, MAX_QUANTITY_DIGITS);
        return quantity >= 1 && quantity <= MAX_QUANTITY ? quantity : NOT_VALID;
    }

    /** @return the amount in cents, or {@link #NOT_VALID} */
    private static long parseCents(CharSequence text, int from, int to) {
        int start = skipBlanks(text, from, to);
        int end = trimBlanks(text, start, to);
        int point = indexOf(text, '.', start);
        if (point < 0 || point >= end) {
            long whole = parseDigits(text, start, end, MAX_WHOLE_DIGITS);
            return whole == NOT_VALID ? NOT_VALID : whole * 100;
        }
        long whole = parseDigits(text, start, point, MAX_WHOLE_DIGITS);
        long fraction = parseDigits(text, point + 1, end, MAX_DECIMALS);
        if (whole == NOT_VALID || fraction == NOT_VALID) {
            return NOT_VALID;
        }
        return whole * 100 + (end - point - 1 == 1 ? fraction * 10 : fraction);
    }

    /** @return the value of 1 to {@code maxDigits} ASCII digits, or {@link #NOT_VALID} */
    private static long parseDigits(CharSequence text, int from, int to, int maxDigits) {
        if (to <= from || to - from > maxDigits) {
            return NOT_VALID;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return NOT_VALID;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static void appendCents(StringBuilder json, long cents) {
        long fraction = cents % 100;
        json.append(cents / 100).append('.');
        if (fraction < 10) {
            json.append('0');
        }
        json.append(fraction);
    }

    /** JSON string escaping: quotes, backslashes and control characters. */
    private static void appendEscaped(StringBuilder json, CharSequence text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
            } else {
                json.append(c);
            }
        }
    }

    private static int indexOf(CharSequence text, char c, int from) {
        for (int i = from; i < text.length(); i++) {
            if (text.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    private static int skipBlanks(CharSequence text, int from, int to) {
        int i = from;
        while (i < to && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int trimBlanks(CharSequence text, int from, int to) {
        int i = to;
        while (i > from && Character.isWhitespace(text.charAt(i - 1))) {
            i--;
        }
        return i;
    }
}
