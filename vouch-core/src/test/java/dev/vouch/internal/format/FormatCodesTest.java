package dev.vouch.internal.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.vouch.Decision;
import dev.vouch.EventKind;
import dev.vouch.Risk;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bytes below are written into journals and specified in docs/FORMAT.md: they must never change. */
class FormatCodesTest {

    @Test
    void decisionCodesArePinned() {
        Map<Decision, Integer> expected = new LinkedHashMap<>();
        expected.put(Decision.NONE, 0);
        expected.put(Decision.ALLOW, 1);
        expected.put(Decision.BLOCK, 2);
        expected.put(Decision.STALL, 3);
        expected.put(Decision.REDACT, 4);
        expected.put(Decision.APPROVED, 5);
        expected.put(Decision.REFUSED, 6);
        expected.put(Decision.TIMED_OUT, 7);
        assertEquals(expected.size(), Decision.values().length);
        expected.forEach((d, code) -> {
            assertEquals(code, d.code(), d.name());
            assertEquals(d, Decision.ofCode(code));
        });
        assertNull(Decision.ofCode(8));
        assertNull(Decision.ofCode(-1));
    }

    @Test
    void riskCodesArePinned() {
        Risk[] inOrder = {Risk.NONE, Risk.LOW, Risk.MEDIUM, Risk.HIGH, Risk.CRITICAL};
        assertEquals(inOrder.length, Risk.values().length);
        for (int code = 0; code < inOrder.length; code++) {
            assertEquals(code, inOrder[code].code());
            assertEquals(inOrder[code], Risk.ofCode(code));
        }
        assertNull(Risk.ofCode(5));
    }

    @Test
    void recordTypeCodesArePinned() {
        assertEquals(0x01, EventKind.TOOL_CALL.code());
        assertEquals(0x02, EventKind.TOOL_RESULT.code());
        assertEquals(0x03, EventKind.TOOL_ERROR.code());
        assertEquals(0x04, EventKind.POLICY_DECISION.code());
        assertEquals(0x05, EventKind.APPROVAL.code());
        assertEquals(0x06, EventKind.TASK_START.code());
        assertEquals(0x07, EventKind.TASK_END.code());
        assertEquals(0x08, EventKind.NOTE.code());
        assertEquals(0x10, RecordType.GENESIS.code());
        assertEquals(0x11, RecordType.CHECKPOINT.code());
        assertEquals(0x12, RecordType.KEY_ROTATION.code());
        assertEquals(0x13, RecordType.SEAL.code());
        assertEquals(0x14, RecordType.RECOVERY.code());
        assertEquals(0x15, RecordType.GAP.code());
        assertEquals(0x16, RecordType.RESUME.code());
    }
}
