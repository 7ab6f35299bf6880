package dev.vouch.cli;

import dev.vouch.Decision;
import dev.vouch.Risk;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The record filters {@code show}, {@code events}, {@code risk} and {@code tail} share: sequence range, time range,
 * record type, and the event fields task, tool, agent, principal, decision and risk. Each filter matches the
 * record's own field as written (the guard writes the decision and risk on POLICY_DECISION and APPROVAL records,
 * not on the TOOL_CALL); a filter on an event field leaves out control records. Text filters match whole values,
 * with {@code *} for any characters and {@code ?} for one. {@link #compile} must run before {@link #matches}.
 */
final class RecordFilter {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--from", paramLabel = "SEQ", description = "Records with a sequence number of at least SEQ.")
    Long from;

    @Option(names = "--to", paramLabel = "SEQ", description = "Records with a sequence number of at most SEQ.")
    Long to;

    @Option(names = "--since", paramLabel = "TIME",
            description = "Records written at or after TIME: an ISO-8601 instant (2026-11-23T11:28:00Z), a date (UTC)"
                    + " or a time before now (90s, 15m, 2h, 3d, 1w).")
    String since;

    @Option(names = "--until", paramLabel = "TIME",
            description = "Records written at or before TIME (forms as for --since; a date includes that whole day).")
    String until;

    @Option(names = "--type", paramLabel = "TYPE", split = ",",
            description = "Only these record types (repeat or separate with commas): tool_call, tool_result,"
                    + " tool_error, policy_decision, approval, task_start, task_end, note, genesis, checkpoint,"
                    + " key_rotation, seal, recovery, gap, resume; or 'events' for the first eight.")
    List<String> types;

    @Option(names = "--task", paramLabel = "TASK", description = "Event records of this task (* and ? match any).")
    String task;

    @Option(names = "--tool", paramLabel = "NAME", description = "Event records naming this tool (* and ? match any).")
    String tool;

    @Option(names = "--agent", paramLabel = "AGENT", description = "Event records of this agent (* and ? match any).")
    String agent;

    @Option(names = "--principal", paramLabel = "WHO",
            description = "Event records acting for this principal (* and ? match any).")
    String principal;

    @Option(names = "--decision", paramLabel = "DECISION", split = ",",
            description = "Event records with one of these decisions: allow, block, stall, approved, refused,"
                    + " timed_out.")
    List<String> decisions;

    @Option(names = "--risk", paramLabel = "RISK", split = ",",
            description = "Event records with one of these risks: low, medium, high, critical; 'high+' for high and"
                    + " critical.")
    List<String> risks;

    private Set<RecordType> wanted;
    private long sinceNanos = Long.MIN_VALUE;
    private long untilNanos = Long.MAX_VALUE;
    private Predicate<String> taskMatch;
    private Predicate<String> toolMatch;
    private Predicate<String> agentMatch;
    private Predicate<String> principalMatch;
    private Set<Decision> decisionSet;
    private Set<Risk> riskSet;
    private boolean eventsOnly;

    /**
     * Checks the options and prepares matching; {@code defaultTypes} apply without {@code --type}.
     *
     * @throws CommandLine.ParameterException naming the option, for a usage error (exit 2)
     */
    void compile(Set<RecordType> defaultTypes, Instant now) {
        if (from != null && to != null && from > to) {
            throw usage("--from " + from + " is after --to " + to);
        }
        wanted = EnumSet.noneOf(RecordType.class);
        if (types == null) {
            wanted.addAll(defaultTypes);
        } else {
            for (String t : types) {
                wanted.addAll(parseType(t));
            }
        }
        sinceNanos = since == null ? Long.MIN_VALUE : time("--since", since, false, now);
        untilNanos = until == null ? Long.MAX_VALUE : time("--until", until, true, now);
        if (sinceNanos > untilNanos) {
            throw usage("--since " + since + " is after --until " + until);
        }
        taskMatch = pattern(task);
        toolMatch = pattern(tool);
        agentMatch = pattern(agent);
        principalMatch = pattern(principal);
        decisionSet = decisions == null ? null : parseEnums(decisions, Decision.class, "--decision");
        riskSet = risks == null ? null : parseRisks(risks);
        eventsOnly = taskMatch != null || toolMatch != null || agentMatch != null || principalMatch != null
                || decisionSet != null || riskSet != null;
    }

    /** Whether only the sequence range is given: a record that does not parse can then still be placed. */
    boolean onlySequenceRange() {
        return types == null && since == null && until == null && !eventsOnly;
    }

    /** Whether the sequence number {@code seq} is in the range. */
    boolean inSequenceRange(long seq) {
        return (from == null || seq >= from) && (to == null || seq <= to);
    }

    /** Whether no record after {@code seq} can match (the range ends before it). */
    boolean pastEnd(long seq) {
        return to != null && seq > to;
    }

    boolean matches(RecordView v) {
        if (!inSequenceRange(v.sequence()) || !wanted.contains(v.type())) {
            return false;
        }
        long t = v.timestamp();
        if (t < sinceNanos || t > untilNanos) {
            return false;
        }
        if (!eventsOnly) {
            return true;
        }
        if (!v.type().isEvent()) {
            return false;
        }
        return (taskMatch == null || taskMatch.test(v.task()))
                && (toolMatch == null || toolMatch.test(v.name()))
                && (agentMatch == null || agentMatch.test(v.agent()))
                && (principalMatch == null || principalMatch.test(v.principal()))
                && (decisionSet == null || decisionSet.contains(v.decision()))
                && (riskSet == null || riskSet.contains(v.risk()));
    }

    private long time(String option, String value, boolean endOfDay, Instant now) {
        try {
            return TimeArg.parse(value, endOfDay, now);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw usage(option + ": " + e.getMessage());
        }
    }

    /** Whole-value match, with * and ? as wildcards; null for no filter. */
    static Predicate<String> pattern(String glob) {
        if (glob == null) {
            return null;
        }
        if (glob.indexOf('*') < 0 && glob.indexOf('?') < 0) {
            return glob::equals;
        }
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? "(?s:.*)" : "(?s:.)");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            regex.append(Pattern.quote(literal.toString()));
        }
        Pattern p = Pattern.compile(regex.toString());
        return s -> p.matcher(s).matches();
    }

    private Set<Risk> parseRisks(List<String> values) {
        Set<Risk> out = EnumSet.noneOf(Risk.class);
        for (String v : values) {
            String s = v.strip().toLowerCase(Locale.ROOT);
            if (s.equals("high+")) {
                out.add(Risk.HIGH);
                out.add(Risk.CRITICAL);
            } else {
                out.addAll(parseEnums(List.of(v), Risk.class, "--risk"));
            }
        }
        return out;
    }

    private <E extends Enum<E>> Set<E> parseEnums(List<String> values, Class<E> type, String option) {
        Set<E> out = EnumSet.noneOf(type);
        for (String v : values) {
            String s = v.strip().toUpperCase(Locale.ROOT).replace('-', '_');
            try {
                out.add(Enum.valueOf(type, s));
            } catch (IllegalArgumentException e) {
                throw usage("unknown value '" + v + "' for " + option + "; one of " + Arrays.stream(type.getEnumConstants())
                        .map(c -> c.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
            }
        }
        return out;
    }

    /** A record type label as the export writes it, case-insensitive; "events" for every agent event type. */
    private Set<RecordType> parseType(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        if (v.equals("events") || v.equals("event")) {
            return eventTypes();
        }
        for (RecordType t : RecordType.values()) {
            if (t.label().equals(v)) {
                return EnumSet.of(t);
            }
        }
        throw usage("unknown record type '" + value + "' for --type; one of " + Arrays.stream(RecordType.values())
                .map(RecordType::label).collect(Collectors.joining(", ")) + ", or events");
    }

    static Set<RecordType> eventTypes() {
        return Arrays.stream(RecordType.values()).filter(RecordType::isEvent)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(RecordType.class)));
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
