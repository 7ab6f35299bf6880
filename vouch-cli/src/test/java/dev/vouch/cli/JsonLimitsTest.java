package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.verify.RecordBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A record may be 64 MiB, so an export line's strings may be far longer than jackson-core's default limit of 20
 * million characters: an outside auditor's export of a valid 16 MB payload was refused ("String value length
 * (20015579) exceeds the maximum allowed"), exit 2, by {@code vouch verify}.
 */
class JsonLimitsTest {
    @TempDir
    Path tmp;

    @Test
    void shouldReadStringsOfARecordOfTheLargestSizeALedgerWrites() throws Exception {
        String b64 = "A".repeat(24_000_000); // 18 MB of record bytes, as base64
        Path export = Files.writeString(tmp.resolve("big.jsonl"), "{\"record_b64\":\"" + b64 + "\",\"params\":\""
                + "x".repeat(21_000_000) + "\"}\n");

        RecordBuffer buffer = new RecordBuffer(1024);
        try (ExportLines lines = ExportLines.open(export)) {
            assertTrue(lines.next(buffer));
        }
        Object tree = JsonTree.parse(Files.readString(export).strip());

        assertEquals(18_000_000, buffer.length());
        assertEquals(21_000_000, ((String) ((java.util.Map<?, ?>) tree).get("params")).length());
    }
}
