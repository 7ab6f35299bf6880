package dev.vouch.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vouch.Decision;
import dev.vouch.Risk;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import dev.vouch.ledger.JournalReader;
import dev.vouch.ledger.Ledger;
import dev.vouch.verify.JournalVerifier;
import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.RecordSource;
import dev.vouch.verify.VerificationReport;
import dev.vouch.verify.Verdict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real ledger on a real Chronicle journal in a temporary directory, and its records read back. Public in the
 * test jar ({@code vouch-policy:test-jar}) so the framework adapters' tests share it.
 */
public final class TestJournal implements AutoCloseable {
    /** One event record as read back from the journal. */
    public record Rec(long seq, RecordType type, long parent, Decision decision, Risk risk, String agent, String task,
            String name, String policy, String params, String result, String toolCallId, String principal,
            String traceId, String spanId) {
        @Override
        public String toString() {
            return seq + " " + type.label() + " parent=" + parent + " task=" + task + " name=" + name
                    + (decision == Decision.NONE ? "" : " " + decision) + (policy.isEmpty() ? "" : " policy=" + policy)
                    + (params.isEmpty() ? "" : " params=" + params) + (result.isEmpty() ? "" : " result=" + result);
        }
    }

    public final Path dir;
    public final Ledger ledger;
    private final VerifyingKey key;
    private boolean closed;

    public TestJournal(Path tmp) {
        this.dir = tmp.resolve("journal");
        this.ledger = Ledger.builder(dir).keyFile(tmp.resolve(".vouch_key")).origin("test.vouch.dev/guard")
                .shutdownHook(false).open();
        this.key = ledger.verifyingKey();
    }

    /**
     * The event records in journal order (works while the ledger is open: reading never writes). An open ledger is
     * first asked for a checkpoint, which passes through the ring behind everything accepted so far: outcomes are
     * accepted without a wait, so without it the last one may not be journaled yet.
     */
    public List<Rec> events() {
        if (!closed && ledger.status().state() == dev.vouch.ledger.LedgerStatus.State.OPEN) {
            ledger.checkpoint(); // (an application context may have closed it already)
        }
        List<Rec> out = new ArrayList<>();
        RecordView v = new RecordView();
        RecordBuffer buf = new RecordBuffer(4096);
        try (RecordSource source = JournalReader.open(dir)) {
            while (source.next(buf)) {
                v.wrap(buf.data(), buf.length());
                if (v.type().isEvent()) {
                    out.add(new Rec(v.sequence(), v.type(), v.parent(), v.decision(), v.risk(), v.agent(), v.task(),
                            v.name(), v.policy(), new String(v.params(), StandardCharsets.UTF_8),
                            new String(v.result(), StandardCharsets.UTF_8), v.toolCallId(), v.principal(),
                            v.traceId(), v.spanId()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The records caused by {@code parent}, in journal order. */
    public List<Rec> children(long parent) {
        return events().stream().filter(r -> r.parent() == parent).collect(Collectors.toList());
    }

    /** The types of the records caused by {@code parent}, in journal order. */
    public List<RecordType> childTypes(long parent) {
        return children(parent).stream().map(Rec::type).collect(Collectors.toList());
    }

    /** The first record of {@code type} caused by {@code parent}; fails if there is none. */
    public Rec child(long parent, RecordType type) {
        return children(parent).stream().filter(r -> r.type() == type).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " under " + parent + " in " + events()));
    }

    /**
     * The first record of {@code type} caused by {@code parent}, once it is there: for records made off the test's
     * thread (an answer settled on an executor, a cancellation). Fails after 15 s.
     */
    public Rec awaitChild(long parent, RecordType type) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            for (Rec r : children(parent)) {
                if (r.type() == type) {
                    return r;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + type + " under seq " + parent + ": " + children(parent));
    }

    /** The only record of {@code type}; fails if there are none or several. */
    public Rec only(RecordType type) {
        List<Rec> all = ofType(type);
        if (all.size() != 1) {
            throw new AssertionError("expected one " + type + " in " + events());
        }
        return all.get(0);
    }

    /** The only TOOL_CALL of {@code tool}; fails if there are none or several. */
    public Rec onlyCall(String tool) {
        List<Rec> calls = ofType(RecordType.TOOL_CALL).stream().filter(r -> r.name().equals(tool)).collect(Collectors.toList());
        if (calls.size() != 1) {
            throw new AssertionError("expected one TOOL_CALL of " + tool + " in " + events());
        }
        return calls.get(0);
    }

    public Rec bySeq(long seq) {
        return events().stream().filter(r -> r.seq() == seq).findFirst()
                .orElseThrow(() -> new AssertionError("no event record with seq " + seq + " in " + events()));
    }

    public List<Rec> ofType(RecordType type) {
        return events().stream().filter(r -> r.type() == type).collect(Collectors.toList());
    }

    /** Every byte of every file under the journal directory. */
    public List<byte[]> rawFiles() {
        try (Stream<Path> files = Files.walk(dir)) {
            List<byte[]> out = new ArrayList<>();
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.add(Files.readAllBytes(f));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether any file under the journal directory holds {@code needle}. */
    public boolean anyFileContains(byte[] needle) {
        for (byte[] content : rawFiles()) {
            if (indexOf(content, needle) >= 0) {
                return true;
            }
        }
        return false;
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (haystack[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Closes the ledger (idempotent) and asserts that the journal verifies INTACT against its key. */
    public VerificationReport closeAndVerify() {
        if (!closed) {
            closed = true;
            ledger.close();
        }
        try (RecordSource source = JournalReader.open(dir)) {
            VerificationReport r = JournalVerifier.trusting(key).verify(source);
            assertEquals(Verdict.INTACT, r.verdict(), () -> r.verdict() + " (" + r.verdictReason() + ") " + r.failures());
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        closeAndVerify();
    }
}
