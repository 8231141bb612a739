package io.nucleon.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses byte sizes: {@code 1048576}, {@code 512k}, {@code 4Mi}, {@code 4MB}, {@code 1G}. Units are powers of 1024. */
final class Sizes {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(?:([kmg])i?)?b?", Pattern.CASE_INSENSITIVE);

    private Sizes() {}

    static long parse(String text) {
        Matcher matcher = SIZE.matcher(text.trim());
        if (!matcher.matches()) {
            return -1;
        }
        long amount;
        try {
            amount = Long.parseLong(matcher.group(1));
        } catch (NumberFormatException tooLarge) {
            return -1;
        }
        String unit = matcher.group(2) == null ? "" : matcher.group(2).toLowerCase(Locale.ROOT);
        int shift =
                switch (unit) {
                    case "k" -> 10;
                    case "m" -> 20;
                    case "g" -> 30;
                    default -> 0;
                };
        return amount > (Long.MAX_VALUE >> shift) ? -1 : amount << shift;
    }
}
