#!/usr/bin/env python3
"""Independent verifier for the DSSE envelopes of `vouch export --format dsse`, written from the DSSE protocol
(https://github.com/secure-systems-lab/dsse, protocol.md and envelope.md), the in-toto Statement v1 and
docs/EXPORT.md alone.

It uses only the Python 3 standard library, the ``openssl`` command line tool (OpenSSL 3, for Ed25519) and the
record decoder of tools/verify-journal.py: no code of the Vouch project, and another Ed25519 implementation than Vouch's (Bouncy Castle).

Usage:
    python3 tools/verify-dsse.py ENVELOPES.jsonl --pubkey pub.pem [--dsse-only] [--payload-type TYPE]

ENVELOPES.jsonl holds one DSSE JSON envelope per line. pub.pem is the Ed25519 PUBLIC KEY PEM expected to sign them
(for Vouch: the journal's key in force when the envelopes were made). For every envelope it checks:

* the line and the statement: JSON in which no member occurs twice (readers keeping the first or the last copy of a
  payload would read different ones);
* the envelope: every signature entry is ``{"keyid": string (optional), "sig": ...}``; ``payload`` and each ``sig``
  are base64 (standard or URL-safe, as DSSE requires verifiers to accept), and at least one signature is a valid Ed25519 signature by the key over
  PAE(payloadType, payload) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body. A signature over the payload
  alone is not accepted;
* the payload type is supported (application/vnd.in-toto+json, or --payload-type);
* unless --dsse-only: the payload is an in-toto Statement v1 with one of the two Vouch predicates, whose subject
  digest is the SHA-256 of what the predicate carries (the checkpoint text, or the record's exact bytes); and a
  record's readable members say what its bytes say (decoded by tools/verify-journal.py, which must sit beside this
  script), since the key holder can sign an envelope whose members lie.

Prints one line per envelope. Exit status: 0 every envelope verifies; 1 at least one does not; 2 the inputs could
not be read.
"""

import argparse
import base64
import binascii
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import importlib.util

# The record decoder of the journal verifier beside this script (the same spec, FORMAT.md and EXPORT.md).
_SPEC = importlib.util.spec_from_file_location(
    "verify_journal", os.path.join(os.path.dirname(os.path.abspath(__file__)), "verify-journal.py"))
JOURNAL = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(JOURNAL)

IN_TOTO = "application/vnd.in-toto+json"
STATEMENT_V1 = "https://in-toto.io/Statement/v1"
DOCS = "https://github.com/vouch-dev/vouch-java/blob/main/docs/EXPORT.md"
CHECKPOINT_PREDICATE = DOCS + "#dsse-checkpoint-predicate-v1"
RECORD_PREDICATE = DOCS + "#dsse-record-predicate-v1"


class Invalid(Exception):
    """The envelope does not verify."""


def pae(payload_type, body):
    t = payload_type.encode("utf-8")
    return b"DSSEv1 " + str(len(t)).encode() + b" " + t + b" " + str(len(body)).encode() + b" " + body


def b64_either(text):
    """Standard or URL-safe base64, padded or not (DSSE: verifiers MUST accept either)."""
    if not isinstance(text, str):
        raise Invalid("a base64 value is not a string")
    s = text.replace("-", "+").replace("_", "/")
    s += "=" * (-len(s) % 4)
    try:
        return base64.b64decode(s, validate=True)
    except (binascii.Error, ValueError):
        raise Invalid("not base64: %r" % text[:40])


def parse_json(text, what):
    """One JSON value in which no member occurs twice, or Invalid: readers keeping the first or the last copy of a
    member (a second payload) would read different envelopes or statements. Deep nesting is a failure of the line,
    not a traceback (an outside auditor's [[[...]]] line)."""
    try:
        return json.loads(text, object_pairs_hook=JOURNAL.no_duplicates, parse_constant=JOURNAL.no_constant)
    except RecursionError:
        raise Invalid("%s is not JSON: nested too deeply" % what)
    except ValueError as e:
        raise Invalid("%s is not JSON: %s" % (what, e))


def signature_entries(sigs):
    """The (keyid, signature bytes) of every entry, or Invalid naming the first malformed one: an entry without sig
    failed the envelope while a bare string was skipped; every entry is now held to DSSE's {"keyid", "sig"}."""
    if not isinstance(sigs, list) or not sigs:
        raise Invalid("no signatures")
    entries = []
    for i, s in enumerate(sigs, 1):
        if not isinstance(s, dict) or not isinstance(s.get("sig"), str) or not isinstance(s.get("keyid", ""), str):
            raise Invalid("signature entry %d is not an object with a string sig and an optional string keyid" % i)
        try:
            entries.append(b64_either(s["sig"]))
        except Invalid as e:
            raise Invalid("signature entry %d: sig is %s" % (i, e))
    return entries


class Ed25519:
    def __init__(self, pem_path):
        if shutil.which("openssl") is None:
            raise SystemExit("verify-dsse.py: the openssl command line tool (OpenSSL 3) is not on the PATH")
        self.pem = pem_path
        self.dir = tempfile.mkdtemp(prefix="vouch-dsse-")

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def verify(self, message, signature):
        if len(signature) != 64:
            return False
        msg = os.path.join(self.dir, "msg")
        sig = os.path.join(self.dir, "sig")
        with open(msg, "wb") as f:
            f.write(message)
        with open(sig, "wb") as f:
            f.write(signature)
        r = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", self.pem, "-rawin",
                            "-in", msg, "-sigfile", sig], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return r.returncode == 0


def check_envelope(env, ed, payload_types, dsse_only):
    if not isinstance(env, dict):
        raise Invalid("not a JSON object")
    payload = b64_either(env.get("payload"))
    payload_type = env.get("payloadType")
    if not isinstance(payload_type, str):
        raise Invalid("no payloadType")
    sigs = signature_entries(env.get("signatures"))
    message = pae(payload_type, payload)
    if not any(ed.verify(message, sig) for sig in sigs):
        raise Invalid("no signature by the key over the DSSE PAE of the payload (vouch signs its envelopes with"
                      " the key in force when they were exported: after a rotation, give that key, not the first)")
    if payload_type not in payload_types:
        raise Invalid("unsupported payloadType %r" % payload_type)
    if dsse_only:
        return "payload of %d bytes" % len(payload)
    try:
        st = parse_json(payload.decode("utf-8"), "the payload")
    except UnicodeDecodeError as e:
        raise Invalid("the payload is not JSON: %s" % e)
    if not isinstance(st, dict) or st.get("_type") != STATEMENT_V1:
        raise Invalid("not an in-toto Statement v1")
    subject = st.get("subject")
    if not isinstance(subject, list) or len(subject) != 1 or not isinstance(subject[0], dict):
        raise Invalid("expected exactly one subject")
    name = subject[0].get("name")
    digest = subject[0].get("digest")
    digest = digest.get("sha256") if isinstance(digest, dict) else None
    pred = st.get("predicate")
    if not isinstance(pred, dict):
        raise Invalid("no predicate")
    # Members no Vouch statement has are claims nothing backs, whoever signed them (docs/EXPORT.md).
    extra = set(st) - {"_type", "subject", "predicateType", "predicate"}
    if extra:
        raise Invalid("the statement has members a Vouch statement does not: %s" % ", ".join(sorted(extra)))
    if st.get("predicateType") == CHECKPOINT_PREDICATE:
        extra = set(pred) - {"origin", "tree_size", "root_hash", "root_hash_b64", "checkpoint", "note", "seq",
                             "timestamp"}
        if extra:
            raise Invalid("the predicate has members a checkpoint predicate does not: %s" % ", ".join(sorted(extra)))
        text = pred.get("checkpoint")
        note = pred.get("note")
        if not isinstance(text, str) or not isinstance(note, str) or not note.startswith(text + "\n"):
            raise Invalid("the checkpoint text is not the signed text of the note")
        lines = text.split("\n")
        if len(lines) < 4 or lines[0] != pred.get("origin") or lines[1] != str(pred.get("tree_size")) \
                or b64_either(lines[2]).hex() != pred.get("root_hash"):
            raise Invalid("the predicate's origin, tree size or root is not the checkpoint's")
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != digest:
            raise Invalid("the subject digest is not the SHA-256 of the checkpoint text")
        if name != "%s/checkpoint/%s" % (pred.get("origin"), pred.get("tree_size")):
            raise Invalid("the subject name is not origin/checkpoint/size")
    elif st.get("predicateType") == RECORD_PREDICATE:
        record = pred.get("record")
        if not isinstance(record, dict):
            raise Invalid("no record in the predicate")
        extra = set(pred) - {"origin", "covered_by_tree_size", "record"}
        if extra:
            raise Invalid("the predicate has members a record predicate does not: %s" % ", ".join(sorted(extra)))
        covered = pred.get("covered_by_tree_size")
        if type(covered) is not int or type(record.get("seq")) is not int or covered <= record.get("seq"):
            raise Invalid("covered_by_tree_size %r cannot cover record %r: a tree covers the records below its size"
                          % (covered, record.get("seq")))
        raw = b64_either(record.get("record_b64"))
        if hashlib.sha256(raw).hexdigest() != digest:
            raise Invalid("the subject digest is not the SHA-256 of the record's bytes")
        if hashlib.sha256(b"\x00" + raw).hexdigest() != record.get("leaf_hash"):
            raise Invalid("the record's leaf hash does not match its bytes")
        if int.from_bytes(raw[4:12], "big") != record.get("seq") or \
                name != "%s/record/%s" % (pred.get("origin"), record.get("seq")):
            raise Invalid("the subject name or seq is not the record's sequence number")
        # The signature covers the readable members too, but whoever holds the key can sign anything: an outside
        # auditor re-signed an envelope whose record said "approved" while its record_b64 said "refused".
        try:
            decoded = JOURNAL.decode_record(raw)
        except JOURNAL.FormatError as e:
            raise Invalid("the record's record_b64 is not a valid record: %s" % e)
        misleading = JOURNAL.misleading_members(record, raw, decoded, record.get("seq"))
        if misleading:
            raise Invalid("the record's readable members do not say what its record_b64 says: %s differ%s"
                          % (", ".join(misleading), "s" if len(misleading) == 1 else ""))
    else:
        raise Invalid("unknown predicateType %r" % st.get("predicateType"))
    return name


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("envelopes")
    ap.add_argument("--pubkey", required=True)
    ap.add_argument("--dsse-only", action="store_true", help="check the envelopes only, not the statements")
    ap.add_argument("--payload-type", action="append", help="a supported payload type (default: in-toto)")
    args = ap.parse_args()
    try:
        with open(args.envelopes, "r", encoding="utf-8") as f:
            lines = f.read().split("\n")
        with open(args.pubkey, "r", encoding="ascii") as f:
            if "BEGIN PUBLIC KEY" not in f.read():
                raise ValueError("not a PUBLIC KEY PEM")
    except (OSError, ValueError) as e:
        print("verify-dsse.py: %s" % e, file=sys.stderr)
        return 2
    ed = Ed25519(args.pubkey)
    bad = 0
    total = 0
    try:
        for n, line in enumerate(lines, 1):
            if not line.strip(" \t\r\n"):  # blank: only JSON white space (FORMAT.md), not U+00A0
                continue
            total += 1
            try:
                what = check_envelope(parse_json(line, "the line"), ed, args.payload_type or [IN_TOTO],
                                      args.dsse_only)
                print("ok    line %d: %s" % (n, what))
            except (Invalid, ValueError) as e:
                bad += 1
                print("FAIL  line %d: %s" % (n, e))
    finally:
        ed.close()
    print("%d envelope(s), %d verified, %d failed" % (total, total - bad, bad))
    return 0 if total > 0 and bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
