package dev.vouch.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vouch.FormatException;
import dev.vouch.crypto.Checkpoint;
import dev.vouch.crypto.SignedNote;
import dev.vouch.crypto.TlogProof;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import dev.vouch.merkle.Rfc6962;
import dev.vouch.verify.ProofCheck;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vouch check-proof}: checks a tlog-proof and its record offline, without the journal. */
@Command(
        name = "check-proof",
        mixinStandardHelpOptions = true,
        description = {
            "Checks a C2SP tlog-proof written by 'vouch prove' without the journal: the checkpoint in it is signed by"
                    + " the trusted key (or by a key it rotated to, through the rotation statements in the proof's"
                    + " extra line), the record's sequence number is the proof's index, and SHA-256(0x00 || record)"
                    + " folded with the proof's hashes gives the root the checkpoint signs.",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the proof proves that the record is in the signed journal",
            "1:it does not: the record, the proof or the checkpoint was altered, the key is not the journal's, or the"
                    + " proof is against another checkpoint than --checkpoint",
            "2:usage error, or a file that cannot be read or is not a proof, a record or a key",
        })
final class CheckProofCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PROOF",
            description = "The .tlog-proof file, or the JSON of 'vouch prove --format json' (or of 0.1.0's 'vouch"
                    + " prove'), which holds the record too.")
    Path proofFile;

    @Option(names = "--record", paramLabel = "FILE",
            description = "The record: its exact bytes (the .record file 'vouch prove' writes), or a line of 'vouch"
                    + " export' (a whole export works too: the line whose seq is the proof's index is taken)."
                    + " Required with a .tlog-proof file; with a JSON proof, its record_b64 is taken by default.")
    Path recordFile;

    @Option(names = "--pubkey", required = true, paramLabel = "FILE",
            description = "The journal's trusted public key (PUBLIC KEY PEM or note verifier key line), as for verify.")
    Path pubkey;

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "A checkpoint saved earlier: the proof must be against exactly that checkpoint.")
    Path savedCheckpoint;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        VerifyingKey anchor = ProofFiles.anchor(pubkey);
        TlogProof proof;
        String text = ProofFiles.text(proofFile, "a tlog-proof (c2sp.org/tlog-proof@v1)");
        boolean jsonProof = text.stripLeading().startsWith("{");
        java.util.Map<?, ?> members = null;
        try {
            members = jsonProof ? jsonObject(text) : null;
            proof = jsonProof ? fromJson(members) : TlogProof.parse(text);
        } catch (FormatException e) {
            throw new CliException(proofFile + ": not a tlog-proof: " + e.getMessage(), e);
        }
        Path recordSource = recordFile != null ? recordFile : jsonProof ? proofFile : null;
        if (recordSource == null) {
            throw new CliException("--record is required with a tlog-proof file (the .record file 'vouch prove' wrote"
                    + " beside it, or a line of 'vouch export')");
        }
        String saved = savedCheckpoint == null ? null : Inputs.savedCheckpoint(savedCheckpoint);
        ProofFiles.Given given = ProofFiles.record(recordSource, proof.index());
        byte[] record = given.bytes();
        ProofCheck.Result result = ProofCheck.inclusion(record, proof, anchor);
        String problem = result.problem();
        if (problem != null && result.signer() == null && jsonProof && !members.containsKey("tlog_proof")) {
            problem += "; a proof of 0.1.0's 'vouch prove' carries no key rotation statements, so it checks only"
                    + " against the key that signed its checkpoint (or make it again with 'vouch prove')";
        }
        if (problem == null && given.line() != null) {
            problem = misleadingLine(given, record, proof.index(), recordSource);
        }
        if (problem == null && result.valid() && jsonProof) {
            problem = misleadingProof(members, proof);
        }
        if (result.valid() && saved != null) {
            Checkpoint want = Checkpoint.parse(SignedNote.parse(saved).text());
            Checkpoint got = proof.checkpoint();
            if (!want.origin().equals(got.origin()) || want.size() != got.size()
                    || !Arrays.equals(want.rootHash(), got.rootHash())) {
                boolean sameTree = want.origin().equals(got.origin()) && want.size() == got.size();
                problem = "the proof is against the checkpoint of tree size " + got.size() + " of "
                        + Text.safe(got.origin()) + ", not the saved one (" + savedCheckpoint + ", tree size "
                        + want.size() + " of " + Text.safe(want.origin()) + ")" + (sameTree
                                ? ": the same tree size with another root hash, so one of the two notes was altered"
                                        + " (the proof's checkpoint is validly signed; check the saved one's signature"
                                        + " with vouch verify --checkpoint)"
                                : "");
            }
        }
        int exit = problem == null ? VouchCli.EXIT_OK : VouchCli.EXIT_FAILED;
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            writeJson(out, proof, record, result, problem, exit);
        } else {
            writeText(out, proof, record, result, problem);
        }
        out.flush();
        return exit;
    }

    /**
     * The proof in what {@code vouch prove --format json} prints: its {@code tlog_proof} member, or, in what 0.1.0's
     * {@code vouch prove} printed (an outside upgrade trial's proofs were refused as "not a tlog-proof"), the same
     * proof from {@code leaf_index}, {@code audit_path} (hex) and {@code checkpoint}. Such a proof carries no rotation
     * statements: it checks against the key that signed its checkpoint.
     */
    private static TlogProof fromJson(java.util.Map<?, ?> m) {
        if (m.get("tlog_proof") instanceof String tlog) {
            return TlogProof.parse(tlog);
        }
        if (!(m.get("leaf_index") instanceof Long index) || !(m.get("audit_path") instanceof List<?> path)
                || !(m.get("checkpoint") instanceof String note)) {
            throw new FormatException("a JSON proof has tlog_proof, or leaf_index, audit_path and checkpoint");
        }
        List<byte[]> hashes = new java.util.ArrayList<>();
        for (Object h : path) {
            if (!(h instanceof String hex) || !hex.matches("[0-9a-f]{64}")) {
                throw new FormatException("audit_path holds " + Text.cut(String.valueOf(h), 70) + ", not a SHA-256"
                        + " hash in lower-case hex");
            }
            hashes.add(java.util.HexFormat.of().parseHex(hex));
        }
        return TlogProof.of(index.longValue(), hashes, note, null);
    }

    private static java.util.Map<?, ?> jsonObject(String text) {
        Object parsed;
        try {
            parsed = JsonTree.parse(text);
        } catch (IOException | RuntimeException e) {
            throw new FormatException("not one JSON object: " + e.getMessage());
        }
        if (!(parsed instanceof java.util.Map<?, ?> m)) {
            throw new FormatException("not one JSON object");
        }
        return m;
    }

    private void writeText(PrintWriter out, TlogProof proof, byte[] record, ProofCheck.Result result, String problem) {
        Checkpoint cp = proof.checkpoint();
        if (problem == null) {
            out.println("VERIFIED: record " + proof.index() + " is in the journal " + Text.safe(cp.origin())
                    + ", under its signed checkpoint of tree size " + cp.size());
        } else {
            out.println("NOT VERIFIED: " + Text.safe(problem));
        }
        out.println();
        out.printf(Locale.ROOT, "%-12s %s%n", "record:", Text.safe(describe(record)));
        out.printf(Locale.ROOT, "%-12s %s%n", "leaf hash:", Text.hex(Rfc6962.leafHash(record)));
        out.printf(Locale.ROOT, "%-12s %s, tree size %d, root %s%n", "checkpoint:", Text.safe(cp.origin()), cp.size(),
                Base64.getEncoder().encodeToString(cp.rootHash()));
        out.printf(Locale.ROOT, "%-12s %s%n", "signed by:", result.signer() == null ? "no trusted key"
                : result.signer() + (result.signer().equals(result.keys().get(0)) ? " (the trust anchor, --pubkey)"
                        : " (rotated to from the trust anchor, " + (result.keys().indexOf(result.signer()))
                                + " rotation(s) in the proof)"));
        out.printf(Locale.ROOT, "%-12s %s%n", "proof:", proof.hashes().size() + " hash(es); " + proofFile);
    }

    /**
     * Why the JSON line the record was taken from would mislead its reader, or null: the proof vouches for
     * {@code record_b64} only, and a reader of the line reads its other members.
     */
    private String misleadingLine(ProofFiles.Given given, byte[] record, long index, Path recordFile) {
        List<String> members;
        try {
            members = ExportLineCheck.misleadingMembers(given.line(), record, index);
        } catch (IOException e) {
            return recordFile + " line " + given.lineNumber() + ": " + Errors.jsonProblem(e);
        }
        if (members.isEmpty()) {
            return null;
        }
        return "the record is in the signed journal, but " + recordFile + " line " + given.lineNumber()
                + " does not say what its record_b64 says: " + Text.safe(String.join(", ", members))
                + (members.size() == 1 ? " differs" : " differ") + " (only record_b64 is proved, so a reader of the"
                + " line would be misled; 'vouch show' or 'vouch export' of the journal renders it again)";
    }

    /**
     * The members of a JSON proof that say something its proof does not, as a problem; null if none. Only the proof
     * (its {@code tlog_proof}, or 0.1.0's {@code leaf_index}, {@code audit_path} and {@code checkpoint}) is checked,
     * but a reader reads the rest: a re-trial's proof claiming another origin and tree size was VERIFIED.
     */
    private String misleadingProof(java.util.Map<?, ?> m, TlogProof proof) {
        Checkpoint cp = proof.checkpoint();
        java.util.Map<String, Object> said = new java.util.LinkedHashMap<>();
        said.put("origin", cp.origin());
        said.put("leaf_index", proof.index());
        said.put("tree_size", cp.size());
        said.put("root_hash", Text.hex(cp.rootHash()));
        said.put("root_hash_b64", Base64.getEncoder().encodeToString(cp.rootHash()));
        said.put("checkpoint", proof.checkpointNote());
        said.put("audit_path", proof.hashes().stream().map(Text::hex).collect(java.util.stream.Collectors.toList()));
        List<String> differing = new java.util.ArrayList<>();
        for (java.util.Map.Entry<String, Object> e : said.entrySet()) {
            if (m.containsKey(e.getKey()) && !java.util.Objects.equals(m.get(e.getKey()), e.getValue())) {
                differing.add(e.getKey());
            }
        }
        if (differing.isEmpty()) {
            return null;
        }
        return "the record is in the signed journal, but " + proofFile + " does not say what its proof says: "
                + String.join(", ", differing) + (differing.size() == 1 ? " differs" : " differ") + " (only the proof"
                + " is checked, so a reader of the file would be misled)";
    }

    /** One line about the record, decoded without trusting it: the proof is what vouches for its bytes. */
    static String describe(byte[] record) {
        RecordView view = new RecordView();
        try {
            view.wrap(record, record.length);
        } catch (FormatException e) {
            return record.length + " bytes, malformed: " + e.getMessage();
        }
        StringBuilder b = new StringBuilder().append("seq ").append(view.sequence()).append(", ")
                .append(view.type().label()).append(", ").append(Text.iso(view.timestamp()));
        if (view.type().code() <= RecordType.NOTE.code()) {
            b.append(", agent ").append(Text.orDash(view.agent())).append(", task ").append(Text.orDash(view.task()))
                    .append(", ").append(Text.orDash(view.name()));
            if (view.decision() != dev.vouch.Decision.NONE) {
                b.append(", decision ").append(view.decision().name().toLowerCase(Locale.ROOT));
            }
            String params = Text.preview(view.params(), 60);
            if (!params.isEmpty()) {
                b.append(", params ").append(params);
            }
        }
        return b.toString();
    }

    private void writeJson(PrintWriter out, TlogProof proof, byte[] record, ProofCheck.Result result, String problem,
            int exit) throws IOException {
        Checkpoint cp = proof.checkpoint();
        JsonGenerator g = Json.generator(out);
        g.writeStartObject();
        g.writeBooleanField("verified", problem == null);
        Json.stringOrNull(g, "problem", problem);
        g.writeNumberField("exit_code", exit);
        g.writeNumberField("index", proof.index());
        g.writeStringField("origin", cp.origin());
        g.writeNumberField("tree_size", cp.size());
        g.writeStringField("root_hash_b64", Base64.getEncoder().encodeToString(cp.rootHash()));
        g.writeStringField("leaf_hash", Text.hex(Rfc6962.leafHash(record)));
        Json.stringOrNull(g, "signer_fingerprint", result.signer() == null ? null : result.signer().fingerprint());
        g.writeArrayFieldStart("keys");
        for (VerifyingKey k : result.keys()) {
            g.writeString(k.fingerprint());
        }
        g.writeEndArray();
        g.writeStringField("record_b64", Base64.getEncoder().encodeToString(record));
        g.writeEndObject();
        g.flush();
        out.println();
    }
}
