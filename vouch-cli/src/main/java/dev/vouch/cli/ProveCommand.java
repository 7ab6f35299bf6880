package dev.vouch.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vouch.crypto.Checkpoint;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.merkle.CompactRange;
import dev.vouch.merkle.MerkleProofs;
import dev.vouch.merkle.Rfc6962;
import dev.vouch.verify.JournalVerifier;
import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.VerificationListener;
import dev.vouch.verify.VerificationReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vouch prove}: an RFC 6962 inclusion proof of one record against the latest signed checkpoint. */
@Command(
        name = "prove",
        mixinStandardHelpOptions = true,
        description = {
            "Verifies a journal, then prints an RFC 6962 / RFC 9162 inclusion proof that record SEQ is in the tree"
                    + " its latest validly signed checkpoint signs: one JSON object with the leaf index, tree size,"
                    + " the record's bytes and leaf hash, the audit path, and the checkpoint note. Anyone holding"
                    + " the public key can check it without the journal: leaf hash = SHA-256(0x00 || record),"
                    + " folded with the audit path (RFC 9162 section 2.1.3.2) must give the checkpoint's root.",
            "Memory stays O(log n): the audit path is computed in one pass over the journal.",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the proof was printed",
            "1:verification failed, or the journal has no valid checkpoint",
            "2:usage error, SEQ not covered by the latest checkpoint, missing or unreadable journal or public key",
        })
final class ProveCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JOURNAL_DIR", description = "The journal directory.")
    Path journal;

    @Option(names = "--seq", required = true, paramLabel = "SEQ", description = "The record's sequence number.")
    long seq;

    @Option(names = "--pubkey", required = true, paramLabel = "FILE",
            description = "The trusted public key (PUBLIC KEY PEM or note verifier key line), as for verify.")
    Path pubkey;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String name = spec.qualifiedName();
        VerifyingKey anchor = Inputs.trustAnchor(pubkey, journal, err);
        JournalInput.check(journal, spec.commandLine().getErr());
        if (seq < 0) {
            throw new CliException("--seq " + seq + " is negative");
        }
        Outcome outcome;
        try (JournalInput source = JournalInput.forVerifier(journal)) {
            outcome = Outcome.verify(JournalVerifier.trusting(anchor).listener(VerificationListener.NONE), source);
        }
        VerificationReport report = outcome.report();
        if (outcome.status() == Outcome.Status.TAMPERED || outcome.status() == Outcome.Status.UNREADABLE) {
            err.println(name + ": verification failed, no proof printed: " + Text.safe(outcome.headline()));
            return VouchCli.EXIT_FAILED;
        }
        Checkpoint cp = outcome.lastCheckpoint();
        if (cp == null) {
            err.println(name + ": the journal has no validly signed checkpoint to prove against");
            return VouchCli.EXIT_FAILED;
        }
        if (seq >= cp.size()) {
            throw new CliException("record " + seq + " is not covered by the latest signed checkpoint, which signs"
                    + " records 0 to " + (cp.size() - 1) + " (tree size " + cp.size() + ")");
        }
        if (outcome.status() != Outcome.Status.INTACT) {
            err.println("warning: " + Text.safe(outcome.headline()));
        }
        Proof proof = prove(seq, cp.size());
        byte[] root = cp.rootHash();
        if (!MerkleProofs.verifyInclusion(seq, cp.size(), proof.leafHash, proof.path, root)) {
            // Only possible if the journal changed between the two passes.
            err.println(name + ": the computed proof does not lead to the checkpoint's root; was the journal"
                    + " changed while it was read? No proof printed.");
            return VouchCli.EXIT_FAILED;
        }
        JsonGenerator g = Json.generator(out);
        g.writeStartObject();
        g.writeStringField("origin", cp.origin());
        g.writeNumberField("seq", seq);
        g.writeNumberField("leaf_index", seq);
        g.writeNumberField("tree_size", cp.size());
        g.writeStringField("leaf_hash", Text.hex(proof.leafHash));
        g.writeStringField("record_b64", Base64.getEncoder().encodeToString(proof.record));
        g.writeArrayFieldStart("audit_path");
        for (byte[] h : proof.path) {
            g.writeString(Text.hex(h));
        }
        g.writeEndArray();
        g.writeStringField("root_hash", Text.hex(root));
        g.writeStringField("root_hash_b64", Base64.getEncoder().encodeToString(root));
        g.writeStringField("checkpoint", report.lastCheckpointNote());
        g.writeEndObject();
        g.flush();
        out.println();
        out.flush();
        return VouchCli.EXIT_OK;
    }

    private record Proof(byte[] record, byte[] leafHash, List<byte[]> path) {
    }

    /**
     * The audit path of leaf {@code index} in the tree of {@code size} leaves, in one streaming pass: the path's
     * hashes are the roots of disjoint leaf ranges known in advance (RFC 9162 PATH), each grown in a compact range
     * as its leaves go by.
     */
    private Proof prove(long index, long size) throws IOException {
        List<long[]> ranges = new ArrayList<>();
        pathRanges(index, 0, size, ranges);
        CompactRange[] trees = new CompactRange[ranges.size()];
        for (int i = 0; i < trees.length; i++) {
            trees[i] = new CompactRange();
        }
        MessageDigest sha256 = Rfc6962.newSha256();
        byte[] leaf = new byte[Rfc6962.HASH_SIZE];
        byte[] record = null;
        byte[] leafHash = null;
        RecordBuffer buffer = new RecordBuffer(4096);
        try (JournalInput source = JournalInput.forVerifier(journal)) {
            for (long i = 0; i < size; i++) {
                if (!source.next(buffer)) {
                    throw new CliException(journal + ": the journal ended after " + i + " records while reading"
                            + " the " + size + " the checkpoint signs");
                }
                Rfc6962.leafHash(sha256, buffer.data(), 0, buffer.length(), leaf, 0);
                if (i == index) {
                    record = Arrays.copyOf(buffer.data(), buffer.length());
                    leafHash = leaf.clone();
                    continue;
                }
                for (int r = 0; r < trees.length; r++) {
                    long[] range = ranges.get(r);
                    if (i >= range[0] && i < range[1]) {
                        trees[r].append(leaf, 0);
                        break;
                    }
                }
            }
        }
        List<byte[]> path = new ArrayList<>(trees.length);
        for (CompactRange t : trees) {
            path.add(t.root());
        }
        return new Proof(record, leafHash, path);
    }

    /** The leaf ranges whose roots make up PATH(m, D[begin:end]), bottom-up, as RFC 9162 section 2.1.3.1 orders them. */
    static void pathRanges(long m, long begin, long end, List<long[]> out) {
        long n = end - begin;
        if (n == 1) {
            return;
        }
        long k = Long.highestOneBit(n - 1);
        if (m < k) {
            pathRanges(m, begin, begin + k, out);
            out.add(new long[] {begin + k, end});
        } else {
            pathRanges(m - k, begin + k, end, out);
            out.add(new long[] {begin, begin + k});
        }
    }
}
