package dev.vouch.guard;

/**
 * The tool invocation a guard runs once the call is on record and allowed. It may throw any exception, which
 * the guard records as TOOL_ERROR and rethrows unchanged; {@code E} lets a checked exception through
 * ({@code guard.call("fs.read", p, () -> Files.readString(path))} throws {@code IOException}), and is
 * inferred as {@code RuntimeException} when the action throws none.
 *
 * @param <T> the result
 * @param <E> the checked exception the action may throw
 */
@FunctionalInterface
public interface ToolAction<T, E extends Exception> {
    T run() throws E;
}
