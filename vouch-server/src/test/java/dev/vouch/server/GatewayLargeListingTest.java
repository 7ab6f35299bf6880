package dev.vouch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pending approvals, listed whole however large: an outside trial's three agents at their --max-pending-bytes
 * made a 200 MB listing, which the gateway built in a growing array and copied, and ran a 256 MiB heap out of memory.
 * A listing over 1 MiB is written as it is made (chunked); a small one is sent whole, with its length, as before.
 */
class GatewayLargeListingTest {
    @TempDir
    Path tmp;

    @Test
    void shouldListMoreThanItHoldsAtOnceAndSmallListingsWithTheirLength() {
        try (GatewayFixture f = new GatewayFixture(tmp)) {
            Http.Reply empty = f.http.get("/v1/approvals", f.operatorToken);
            assertEquals("{\"approvals\":[]}\n", empty.body());
            assertTrue(empty.raw().headers().firstValue("content-length").isPresent(), empty.raw().headers()::toString);

            String pad = "p".repeat(600_000);
            for (int i = 0; i < 3; i++) {
                Http.Reply r = f.submit("{\"tool\":\"payments.refund\",\"params\":{\"amount\":" + (900 + i)
                        + ",\"pad\":\"" + pad + "\"}}");
                assertEquals(202, r.status(), r::toString);
            }
            Http.Reply listed = f.http.get("/v1/approvals", f.operatorToken);
            assertEquals(200, listed.status());
            assertTrue(listed.body().length() > Exchange.HELD_BODY_BYTES, "the listing is larger than what is held");
            assertNull(listed.raw().headers().firstValue("content-length").orElse(null), "sent as it was made");
            assertEquals("application/json", listed.raw().headers().firstValue("content-type").orElse(null));
            assertTrue(listed.body().endsWith("]}\n"), "whole");
            List<Map<String, Object>> waiting = listed.list("approvals");
            assertEquals(3, waiting.size());
            for (int i = 0; i < 3; i++) {
                @SuppressWarnings("unchecked")
                Map<String, Object> params = (Map<String, Object>) waiting.get(i).get("params");
                assertEquals(pad, params.get("pad"));
                assertEquals(900 + i, ((Number) params.get("amount")).intValue());
            }
        }
    }
}
