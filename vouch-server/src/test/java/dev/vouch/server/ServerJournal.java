package dev.vouch.server;

import dev.vouch.crypto.KeyFile;
import dev.vouch.crypto.SigningKey;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.format.RecordView;
import dev.vouch.ledger.JournalReader;
import dev.vouch.verify.JournalVerifier;
import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.RecordSource;
import dev.vouch.verify.VerificationReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads a journal that no TestJournal owns (a child JVM's, a reopened one): event records only. */
final class ServerJournal {
    /** One event record. */
    record Event(long seq, String type, long parent, String decision, String name, String params, String result) {
    }

    private ServerJournal() {
    }

    /** Verifies the journal in {@code dir} against the public key of the signing key in {@code keyFile}. */
    static VerificationReport verify(Path dir, Path keyFile) {
        SigningKey k = KeyFile.load(keyFile);
        VerifyingKey anchor = k.verifyingKey();
        k.destroy();
        try (RecordSource source = JournalReader.open(dir)) {
            return JournalVerifier.trusting(anchor).verify(source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Event> events(Path dir) {
        List<Event> out = new ArrayList<>();
        RecordView v = new RecordView();
        RecordBuffer buf = new RecordBuffer(4096);
        try (RecordSource source = JournalReader.open(dir)) {
            while (source.next(buf)) {
                v.wrap(buf.data(), buf.length());
                if (v.type().isEvent()) {
                    out.add(new Event(v.sequence(), v.type().name(), v.parent(), v.decision().name(), v.name(),
                            new String(v.params(), StandardCharsets.UTF_8), new String(v.result(), StandardCharsets.UTF_8)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** "TYPE:DECISION" of each record whose parent is {@code seq}, in journal order. */
    static List<String> children(Path dir, long seq) {
        List<String> out = new ArrayList<>();
        for (Event e : events(dir)) {
            if (e.parent() == seq) {
                out.add(e.type() + ":" + e.decision());
            }
        }
        return out;
    }

    /** The events by sequence number. */
    static Map<Long, Event> bySeq(Path dir) {
        Map<Long, Event> m = new HashMap<>();
        for (Event e : events(dir)) {
            m.put(e.seq(), e);
        }
        return m;
    }
}
