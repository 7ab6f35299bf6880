package dev.vouch.mcpproxy;

import dev.vouch.Event;
import java.nio.charset.StandardCharsets;

/**
 * The journal's limit on each text field of a record (tool name, tool-call id, principal): {@link
 * Event#MAX_TEXT_BYTES} UTF-8 bytes (docs/FORMAT.md, str16). The ledger refuses a longer one only when the guard
 * records the call, which reads as a journal failure; the proxy checks first, so that a client's over-long tool name
 * or id is refused as bad input.
 */
final class TextLimit {
    static final int MAX_BYTES = Event.MAX_TEXT_BYTES;

    private TextLimit() {
    }

    /** The length of {@code text} in UTF-8, as the journal stores it. */
    static int utf8Bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Whether the journal can hold {@code text} (null: an absent field) as one text field. */
    static boolean fits(String text) {
        return text == null || text.length() <= MAX_BYTES / 3 || utf8Bytes(text) <= MAX_BYTES;
    }
}
