package dev.vouch.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A point in time as the options {@code --since} and {@code --until} take it: an ISO-8601 instant
 * ({@code 2026-11-23T11:28:00Z}, or with an offset), a date-time without a zone (taken as UTC), a date (UTC), or a
 * time before now ({@code 90s}, {@code 15m}, {@code 2h}, {@code 3d}, {@code 1w}).
 */
final class TimeArg {
    private static final Pattern AGO = Pattern.compile("(\\d+)(s|m|h|d|w)");
    private static final long NANOS = 1_000_000_000L;
    private static final Pattern DECIMAL_COMMA = Pattern.compile("(T\\d{2}:\\d{2}:\\d{2}),(\\d)");

    private TimeArg() {
    }

    /**
     * Nanoseconds since the epoch, the unit of record timestamps.
     *
     * @param endOfDay for a bare date: the last nanosecond of that day (an inclusive upper bound) instead of its start
     * @throws IllegalArgumentException naming what is accepted
     */
    static long parse(String value, boolean endOfDay, Instant now) {
        // ISO 8601 allows a comma before the fraction of a second (11:15:19,530Z); java.time takes only the dot.
        String v = DECIMAL_COMMA.matcher(value.strip()).replaceFirst("$1.$2");
        Matcher ago = AGO.matcher(v.toLowerCase(Locale.ROOT));
        if (ago.matches()) {
            long n = Long.parseLong(ago.group(1));
            Duration d = switch (ago.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            };
            return nanos(now.minus(d));
        }
        try {
            return nanos(Instant.parse(v));
        } catch (DateTimeParseException notInstant) {
            // try the other forms
        }
        try {
            return nanos(java.time.OffsetDateTime.parse(v).toInstant());
        } catch (DateTimeParseException notOffset) {
            // try the other forms
        }
        try {
            return nanos(LocalDateTime.parse(v).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException notLocal) {
            // try the other forms
        }
        try {
            LocalDate day = LocalDate.parse(v);
            Instant start = day.atStartOfDay(ZoneOffset.UTC).toInstant();
            return endOfDay ? nanos(start.plus(Duration.ofDays(1))) - 1 : nanos(start);
        } catch (DateTimeParseException notDate) {
            throw new IllegalArgumentException("'" + value + "' is not a time: give an ISO-8601 instant"
                    + " (2026-11-23T11:28:00Z), a date (2026-11-23, UTC) or a time before now (90s, 15m, 2h, 3d, 1w)");
        }
    }

    private static long nanos(Instant i) {
        return Math.addExact(Math.multiplyExact(i.getEpochSecond(), NANOS), i.getNano());
    }
}
