package dev.vouch.guard;

/**
 * Turns a tool's result into the bytes the TOOL_RESULT record stores, for results that are neither a
 * {@code String} (stored as UTF-8) nor a {@code byte[]} (stored as is) nor {@code null} (stored empty).
 * The default is {@link #json()}; framework adapters use their framework's own JSON mapper. Called on the thread
 * that completes the call; must be thread-safe. If it throws, the result is still returned to the caller and the
 * record says it could not be encoded.
 */
@FunctionalInterface
public interface ResultEncoder {
    byte[] encode(Object result) throws Exception;

    /**
     * JSON without a data-binding library: records (by their components), maps (keys as text), collections,
     * arrays and {@code Optional} as JSON structures; numbers and booleans as themselves ({@code NaN} and infinities
     * as strings); text, enums, {@code java.time} values, UUIDs, URIs and paths as strings. Anything else becomes
     * {@code {"$vouch_type": class name}}: {@code toString()} of an unknown object may print secrets or addresses,
     * so it is never stored. Cycles and nesting deeper than 64 levels end in a {@code "$vouch_truncated"} marker.
     */
    static ResultEncoder json() {
        return JsonResultEncoder.INSTANCE;
    }
}
