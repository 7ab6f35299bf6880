package dev.vouch.guard;

/**
 * Turns a tool's result into the bytes the TOOL_RESULT record stores, for results that are neither a
 * {@code String} (stored as UTF-8) nor a {@code byte[]} (stored as is) nor {@code null} (stored empty).
 * The default is {@code String.valueOf(result)} in UTF-8; a JSON mapper is the usual replacement. Called on
 * the thread that completes the call; must be thread-safe. If it throws, the result is still returned to the
 * caller and the record says it could not be encoded.
 */
@FunctionalInterface
public interface ResultEncoder {
    byte[] encode(Object result) throws Exception;
}
