package dev.vouch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.crypto.KeyFile;
import dev.vouch.crypto.SigningKey;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.guard.TestJournal;
import dev.vouch.internal.format.RecordType;
import dev.vouch.verify.VerificationReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many clients at once, and key rotations while they call: every acknowledged call and result is on record. */
class GatewayLoadTest {
    private static final int CLIENTS = 16;
    private static final int CALLS = 120;

    @TempDir
    Path tmp;

    @Test
    void shouldRecordEveryAcknowledgedCallOfConcurrentClientsWhileTheKeyRotates() throws Exception {
        try (GatewayFixture f = new GatewayFixture(tmp)) {
            Set<Long> allowed = ConcurrentHashMap.newKeySet();
            Set<Long> blocked = ConcurrentHashMap.newKeySet();
            Set<Long> reported = ConcurrentHashMap.newKeySet();
            CountDownLatch halfway = new CountDownLatch(CLIENTS);
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                clients.add(pool.submit(() -> {
                    for (int i = 0; i < CALLS; i++) {
                        if (i == CALLS / 2) {
                            halfway.countDown();
                        }
                        boolean delete = i % 10 == 9;
                        Http.Reply r = f.submit("{\"tool\":\"" + (delete ? "fs.delete" : "fs.read") + "\","
                                + "\"params\":{\"client\":" + client + ",\"i\":" + i + "},\"call_id\":\"c" + client
                                + "-" + i + "\"}");
                        assertEquals(200, r.status(), r::toString);
                        if (delete) {
                            blocked.add(r.seq());
                            continue;
                        }
                        allowed.add(r.seq());
                        Http.Reply done = f.report(r.seq(), "{\"result\":{\"client\":" + client + ",\"i\":" + i + "}}");
                        assertEquals(200, done.status(), done::toString);
                        reported.add(r.seq());
                    }
                    return null;
                }));
            }
            halfway.await();
            VerifyingKey before = key(tmp.resolve(".vouch_key"));
            Http.Reply rekey = f.http.post("/v1/admin/rekey", f.operatorToken, "{}");
            Http.Reply again = f.http.post("/v1/admin/rekey", f.operatorToken, "{}");
            for (Future<?> client : clients) {
                client.get();
            }
            pool.shutdown();

            assertEquals(200, rekey.status(), rekey::toString);
            assertEquals(200, again.status(), again::toString);
            VerifyingKey after = key(tmp.resolve(".vouch_key"));
            assertNotEquals(before, after);
            assertEquals(after.toPem(), again.get("public_key_pem"), "the key file holds the key the answer names");
            assertEquals(CLIENTS * CALLS, allowed.size() + blocked.size());
            assertEquals(allowed, reported);
            List<TestJournal.Rec> events = f.journal.events();
            Set<Long> calls = seqs(events, RecordType.TOOL_CALL);
            Set<Long> results = events.stream().filter(e -> e.type() == RecordType.TOOL_RESULT)
                    .map(TestJournal.Rec::parent).collect(Collectors.toSet());
            assertEquals(CLIENTS * CALLS, calls.size());
            assertTrue(calls.containsAll(allowed) && calls.containsAll(blocked));
            assertEquals(reported, results, "every acknowledged result is on record, under its call");
            Map<Long, String> paramsBySeq = events.stream().filter(e -> e.type() == RecordType.TOOL_CALL)
                    .collect(Collectors.toMap(TestJournal.Rec::seq, TestJournal.Rec::params));
            for (TestJournal.Rec r : events) {
                if (r.type() == RecordType.TOOL_RESULT) {
                    assertEquals(paramsBySeq.get(r.parent()), r.result(), "each result belongs to its own call");
                }
            }
            f.gateway.close();
            VerificationReport report = f.journal.closeAndVerify();
            assertEquals(3, report.keys().size(), "the journal carries both rotations: " + report.keys());
        }
    }

    private static Set<Long> seqs(List<TestJournal.Rec> events, RecordType type) {
        return events.stream().filter(e -> e.type() == type).map(TestJournal.Rec::seq).collect(Collectors.toSet());
    }

    private static VerifyingKey key(Path file) {
        SigningKey k = KeyFile.load(file);
        try {
            return k.verifyingKey();
        } finally {
            k.destroy();
        }
    }
}
