#!/usr/bin/env python3
"""Independent verifier for Vouch journal exports, written from docs/FORMAT.md alone.

It uses only the Python 3 standard library and the ``openssl`` command line tool (OpenSSL 3, for Ed25519):
no code of the Vouch project. That is the point of it: if this script and the Java verifier agree, the
specification says enough for anyone to check a journal.

Usage:
    python3 tools/verify-journal.py EXPORT.jsonl --pubkey pub.pem [--checkpoint saved-note.txt] [--verbose]

EXPORT.jsonl holds one JSON object per line, in journal order, each with ``record_b64``: the standard base64
of one record's exact bytes (FORMAT.md, "Export format"). The verdict comes from record_b64 alone; the
readable members a line has for the header and an event's fields (docs/EXPORT.md) are compared with the record,
and one that says something else is an ``export_line`` failure, since it would mislead a reader. pub.pem is the trust
anchor, the journal's first public key as an Ed25519 SubjectPublicKeyInfo PEM. A saved checkpoint is a signed
note an auditor kept from an earlier look at the journal.

Prints the verdict (INTACT, INCOMPLETE or TAMPERED), why, the failures found, and a summary. Exit status:
0 INTACT; 1 INCOMPLETE or TAMPERED; 2 the inputs could not be read (bad arguments, unreadable export line,
invalid public key or saved checkpoint, openssl missing).
"""

import argparse
import base64
import binascii
import datetime
import decimal
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata

# ---------------------------------------------------------------------------------------------------------
# Constants (FORMAT.md, "Record header", "Record types")

MAJOR = 1
MINOR = 2
HEADER_LEN = 56
HASH_LEN = 32

GENESIS, CHECKPOINT, KEY_ROTATION, SEAL, RECOVERY, GAP, RESUME = 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16
EVENT_TYPES = {
    0x01: "tool_call", 0x02: "tool_result", 0x03: "tool_error", 0x04: "policy_decision",
    0x05: "approval", 0x06: "task_start", 0x07: "task_end", 0x08: "note",
}
CONTROL_TYPES = {
    GENESIS: "genesis", CHECKPOINT: "checkpoint", KEY_ROTATION: "key_rotation", SEAL: "seal",
    RECOVERY: "recovery", GAP: "gap", RESUME: "resume",
}
TYPE_NAMES = {**EVENT_TYPES, **CONTROL_TYPES}
TOOL_CALL, TOOL_RESULT, TOOL_ERROR, POLICY_DECISION, APPROVAL = 0x01, 0x02, 0x03, 0x04, 0x05
DECISIONS = ["NONE", "ALLOW", "BLOCK", "STALL", "REDACT", "APPROVED", "REFUSED", "TIMED_OUT"]
RISKS = ["NONE", "LOW", "MEDIUM", "HIGH", "CRITICAL"]

SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")
EM_DASH_SPACE = "\u2014 "
MAX_SIGNATURES = 100
ROTATION_HEADER = "vouch.key-rotation.v1"
I64_MAX = (1 << 63) - 1
# export_line failures named at the most; the rest are counted in one more (FORMAT.md, "Export format"), as vouch
# verify does: one line removed makes every later line's index wrong, and a million of them would bury the rest.
MAX_NAMED_LINES = 10


class FormatError(Exception):
    """Bytes or text that do not follow FORMAT.md."""


class InputError(Exception):
    """An input file that cannot be used at all (exit status 2)."""


# ---------------------------------------------------------------------------------------------------------
# Encodings (FORMAT.md, "Conventions")

def no_duplicates(pairs):
    """A JSON object in which no member name occurs twice (FORMAT.md, Export format): readers keeping the first or
    the last copy of a member would read different records."""
    obj = {}
    for name, value in pairs:
        if name in obj:
            raise ValueError("the member %r occurs twice" % name)
        obj[name] = value
    return obj


def b64_strict(text):
    """Canonical standard base64 with padding, or FormatError."""
    if not isinstance(text, str):
        raise FormatError("base64 value is not a string")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise FormatError("not valid standard base64")
    if base64.b64encode(raw).decode("ascii") != text:
        raise FormatError("not canonical standard base64")
    return raw


def b64(raw):
    return base64.b64encode(raw).decode("ascii")


def u16(b, off):
    return int.from_bytes(b[off:off + 2], "big")


def u32(b, off):
    return int.from_bytes(b[off:off + 4], "big")


def u64(b, off):
    return int.from_bytes(b[off:off + 8], "big")


def i64(b, off):
    return int.from_bytes(b[off:off + 8], "big", signed=True)


def unsigned(v):
    """A u64 field read as i64 (the checks compare as vouch verify does), as the unsigned number the format says it is:
    an outside auditor's SEAL with bit 63 of events set was reported as counting -9223372036854775808 events."""
    return v % (1 << 64)


def leaf_hash(record):
    return hashlib.sha256(b"\x00" + record).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


# ---------------------------------------------------------------------------------------------------------
# Ed25519 public key validity (FORMAT.md, "Public keys"): canonical encoding of a point of the prime-order
# subgroup, other than the neutral element. Signatures themselves are checked by openssl.

_P = 2 ** 255 - 19
_L = 2 ** 252 + 27742317777372353535851937790883648493
_D = (-121665 * pow(121666, _P - 2, _P)) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


def _point_add(p1, p2):
    x1, y1, z1, t1 = p1
    x2, y2, z2, t2 = p2
    a = (y1 - x1) * (y2 - x2) % _P
    b = (y1 + x1) * (y2 + x2) % _P
    c = t1 * 2 * _D * t2 % _P
    d = z1 * 2 * z2 % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _is_neutral(pt):
    x, y, z, _ = pt
    return x % _P == 0 and (y - z) % _P == 0


def valid_public_key(raw):
    if len(raw) != 32:
        return False
    y = int.from_bytes(raw, "little") & ((1 << 255) - 1)
    sign = raw[31] >> 7
    if y >= _P:
        return False
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P != 0:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P != 0:
        return False
    if x == 0 and sign == 1:
        return False
    if (x & 1) != sign:
        x = _P - x
    point = (x, y, 1, x * y % _P)
    if _is_neutral(point):
        return False
    acc = (0, 1, 1, 0)
    for bit in bin(_L)[2:]:
        acc = _point_add(acc, acc)
        if bit == "1":
            acc = _point_add(acc, point)
    return _is_neutral(acc)


def spki_pem(raw_key):
    return "-----BEGIN PUBLIC KEY-----\n" + b64(SPKI_PREFIX + raw_key) + "\n-----END PUBLIC KEY-----\n"


def read_public_key_pem(path):
    try:
        with open(path, "rb") as f:
            data = f.read(65536)
        text = data.decode("ascii")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError("cannot read public key %s: %s" % (path, e))
    lines = [line.rstrip("\r") for line in text.strip().split("\n")]
    if len(lines) < 3 or lines[0] != "-----BEGIN PUBLIC KEY-----" or lines[-1] != "-----END PUBLIC KEY-----":
        raise InputError("%s is not a PUBLIC KEY PEM block" % path)
    try:
        der = b64_strict("".join(lines[1:-1]))
    except FormatError as e:
        raise InputError("%s: PEM body %s" % (path, e))
    if len(der) != 44 or der[:12] != SPKI_PREFIX:
        raise InputError("%s is not an Ed25519 SubjectPublicKeyInfo (expected 30 2a 30 05 06 03 2b 65 70 03 21 00"
                         " and 32 key bytes)" % path)
    key = der[12:]
    if not valid_public_key(key):
        raise InputError("%s: the 32 bytes are not a valid Ed25519 public key" % path)
    return key


def key_short(raw_key):
    return "ed25519:" + hashlib.sha256(raw_key).hexdigest()[:16]


# ---------------------------------------------------------------------------------------------------------
# Signed notes and checkpoints (FORMAT.md, "Signed notes", "Checkpoints")

_WHITE_SPACE_CATEGORIES = ("Zs", "Zl", "Zp")


def check_key_name(name):
    if not name:
        raise FormatError("key name is empty")
    for ch in name:
        if ch == "+":
            raise FormatError("key name %r contains '+'" % name)
        if unicodedata.category(ch) in _WHITE_SPACE_CATEGORIES or ch in "\t\n\x0b\x0c\r\x85":
            raise FormatError("key name %r contains a space character" % name)
        if unicodedata.category(ch) == "Cc":
            raise FormatError("key name %r contains a control character" % name)
        if unicodedata.category(ch) == "Cs":
            raise FormatError("key name %r is not valid Unicode" % name)


def valid_key_name(name):
    try:
        check_key_name(name)
        return True
    except FormatError:
        return False


def check_note_chars(text):
    for ch in text:
        if ch != "\n" and ord(ch) < 0x20:
            raise FormatError("control character U+%04X in note" % ord(ch))


def key_id(name, raw_key):
    return hashlib.sha256(name.encode("utf-8") + b"\n\x01" + raw_key).digest()[:4]


def parse_signed_note(note_bytes):
    """Returns (text_bytes, [(name, key_id_bytes, signature_bytes)])."""
    try:
        note = note_bytes.decode("utf-8")
    except UnicodeDecodeError:
        raise FormatError("note is not valid UTF-8")
    check_note_chars(note)
    split = note.rfind("\n\n")
    if split < 0:
        raise FormatError("note has no blank line before its signatures")
    text = note[:split + 1]
    sigs = note[split + 2:]
    if not sigs:
        raise FormatError("note has no signature line")
    if not sigs.endswith("\n"):
        raise FormatError("the last signature line does not end with a newline")
    lines = sigs[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise FormatError("more than %d signatures" % MAX_SIGNATURES)
    signatures = []
    for line in lines:
        if not line.startswith(EM_DASH_SPACE):
            raise FormatError("signature line %r does not start with an em dash and a space" % line[:40])
        rest = line[len(EM_DASH_SPACE):]
        space = rest.find(" ")
        if space < 0:
            raise FormatError("signature line has no space between key name and signature")
        name, sig_b64 = rest[:space], rest[space + 1:]
        check_key_name(name)
        raw = b64_strict(sig_b64)
        if len(raw) <= 4:
            raise FormatError("signature by %s is too short" % name)
        signatures.append((name, raw[:4], raw[4:]))
    return text.encode("utf-8"), signatures


def parse_checkpoint(text_bytes):
    """Returns (origin, size, root) from a checkpoint body."""
    text = text_bytes.decode("utf-8")
    if not text.endswith("\n"):
        raise FormatError("checkpoint does not end with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise FormatError("checkpoint has %d lines, expected at least 3" % len(lines))
    origin, size_text, root_text = lines[0], lines[1], lines[2]
    if not origin:
        raise FormatError("checkpoint origin is empty")
    if not size_text.isascii() or not size_text.isdigit() or (len(size_text) > 1 and size_text[0] == "0"):
        raise FormatError("tree size %r is not a decimal number without leading zeros" % size_text[:30])
    size = int(size_text)
    if size > I64_MAX:
        raise FormatError("tree size %s does not fit in a signed 64-bit integer" % size_text)
    root = b64_strict(root_text)
    if len(root) != HASH_LEN:
        raise FormatError("root hash is %d bytes, expected 32" % len(root))
    for ext in lines[3:]:
        if not ext:
            raise FormatError("empty extension line")
    return origin, size, root


class Openssl:
    """Ed25519 verification through `openssl pkeyutl -verify -rawin` (FORMAT.md, "Verifying by hand")."""

    def __init__(self):
        if shutil.which("openssl") is None:
            raise InputError("the openssl command line tool (OpenSSL 3) is not on the PATH")
        version = subprocess.run(["openssl", "version"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 universal_newlines=True).stdout.strip()
        words = version.split()
        if len(words) < 2 or words[0] != "OpenSSL" or not words[1].split(".")[0].isdigit() \
                or int(words[1].split(".")[0]) < 3:
            raise InputError("need OpenSSL 3 or later for 'pkeyutl -rawin' (Ed25519), found %r" % version)
        self.dir = tempfile.mkdtemp(prefix="vouch-verify-")
        self.pems = {}
        self.calls = 0

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def verify(self, raw_key, message, signature):
        if len(signature) != 64:
            return False
        pem = self.pems.get(raw_key)
        if pem is None:
            pem = os.path.join(self.dir, "key%d.pem" % len(self.pems))
            with open(pem, "w") as f:
                f.write(spki_pem(raw_key))
            self.pems[raw_key] = pem
        msg = os.path.join(self.dir, "msg")
        sig = os.path.join(self.dir, "sig")
        with open(msg, "wb") as f:
            f.write(message)
        with open(sig, "wb") as f:
            f.write(signature)
        self.calls += 1
        r = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pem, "-rawin",
                            "-in", msg, "-sigfile", sig], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return r.returncode == 0

    def note_signed_by(self, text_bytes, signatures, name, raw_key):
        """FORMAT.md, "Signed notes": at least one line with this name and key ID; every such line valid."""
        kid = key_id(name, raw_key)
        found = False
        for sig_name, sig_kid, sig in signatures:
            if sig_name == name and sig_kid == kid:
                if not self.verify(raw_key, text_bytes, sig):
                    return False
                found = True
        return found


# ---------------------------------------------------------------------------------------------------------
# Records (FORMAT.md, "Record header" and the record type sections)

class Reader:
    def __init__(self, buf, pos, end):
        self.buf, self.pos, self.end = buf, pos, end

    def need(self, n):
        if self.pos + n > self.end:
            raise FormatError("field at offset %d needs %d bytes but the record ends at %d" % (self.pos, n, self.end))

    def fixed(self, n):
        self.need(n)
        v = self.buf[self.pos:self.pos + n]
        self.pos += n
        return v

    def u64(self):
        return int.from_bytes(self.fixed(8), "big")

    def i64(self):
        return int.from_bytes(self.fixed(8), "big", signed=True)

    def str16(self):
        n = u16(self.fixed(2), 0)
        raw = self.fixed(n)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise FormatError("text field at offset %d is not valid UTF-8" % (self.pos - n))

    def bytes32(self):
        n = u32(self.fixed(4), 0)
        return self.fixed(n)

    def note32(self):
        """A signed note: bytes32 holding UTF-8 text (FORMAT.md, CHECKPOINT and KEY_ROTATION), else malformed, as for
        vouch verify; the bytes are kept, since they are what is signed."""
        raw = self.bytes32()
        if utf8_or_none(raw) is None:
            raise FormatError("signed note at offset %d is not well-formed UTF-8" % (self.pos - len(raw)))
        return raw


def decode_record(r):
    """Decodes and validates one record; returns a dict or raises FormatError."""
    if len(r) < HEADER_LEN:
        raise FormatError("record of %d bytes is shorter than the 56-byte header" % len(r))
    major, minor, rtype, flags = r[0], r[1], r[2], r[3]
    if major != MAJOR:
        raise FormatError("unsupported format major version %d" % major)
    if flags != 0:
        raise FormatError("unknown flags 0x%02x" % flags)
    if rtype not in TYPE_NAMES:
        raise FormatError("unknown record type 0x%02x" % rtype)
    if r[4] & 0x80:
        raise FormatError("sequence number %d is 2^63 or more; sequence numbers are below 2^63"
                          % int.from_bytes(r[4:12], "big"))
    body_len = u32(r, 52)
    if body_len != len(r) - HEADER_LEN:
        raise FormatError("body length field says %d but the record has %d body bytes"
                          % (body_len, len(r) - HEADER_LEN))
    rec = {"major": major, "minor": minor, "type": rtype, "seq": i64(r, 4), "timestamp": i64(r, 12),
           "prev": r[20:52]}
    rd = Reader(r, HEADER_LEN, len(r))
    if rtype == GENESIS:
        rec["origin"] = rd.str16()
        rec["key"] = rd.fixed(32)
        rec["version"] = rd.str16()
        rec["settings"] = rd.bytes32()
    elif rtype == RESUME:
        rec["version"] = rd.str16()
        rec["settings"] = rd.bytes32()
    elif rtype == CHECKPOINT:
        rec["note"] = rd.note32()
        if minor >= 1:  # format 1.1: the resume state
            rec["state_events"] = rd.i64()
            rec["state_dropped_total"] = rd.i64()
            rec["state_last_gap_or_start"] = rd.i64()
            rec["state_next_key"] = rd.fixed(32)
            count = rd.fixed(1)[0]
            if count > 64:
                raise FormatError("checkpoint resume state lists %d range hashes; a tree has at most 64" % count)
            rec["state_range"] = [rd.fixed(32) for _ in range(count)]
    elif rtype == KEY_ROTATION:
        rec["key"] = rd.fixed(32)
        rec["note"] = rd.note32()
    elif rtype == SEAL:
        rec["events"] = rd.i64()
        rec["dropped_total"] = rd.i64()
    elif rtype == RECOVERY:
        rec["last_checkpoint"] = rd.i64()
        rec["uncovered"] = rd.i64()
        rec["reason"] = rd.str16()
    elif rtype == GAP:
        rec["dropped"] = rd.i64()
        rec["dropped_total"] = rd.i64()
        rec["after"] = rd.i64()
    else:
        rec["parent"] = rd.i64()
        decision, risk = rd.fixed(1)[0], rd.fixed(1)[0]
        if decision >= len(DECISIONS):
            raise FormatError("unknown decision code %d" % decision)
        if risk >= len(RISKS):
            raise FormatError("unknown risk code %d" % risk)
        if rec["parent"] < -1:
            raise FormatError("parent sequence %d is negative" % rec["parent"])
        rec["decision"], rec["risk"] = decision, risk
        for field in ("agent", "task", "name", "policy"):
            rec[field] = rd.str16()
        rec["params"] = rd.bytes32()
        rec["result"] = rd.bytes32()
        if minor >= 2 and rd.pos < len(r):  # format 1.2: the optional correlation block
            rec["tool_call_id"] = rd.str16()
            trace, span = rd.fixed(16), rd.fixed(8)
            if (trace == bytes(16)) != (span == bytes(8)):
                raise FormatError("a trace id and a span id must be both zero (none) or both non-zero")
            if trace != bytes(16):
                rec["trace_id"], rec["span_id"] = trace.hex(), span.hex()
            rec["principal"] = rd.str16()
    if rd.pos != len(r) and minor <= MINOR:
        raise FormatError("%d unexpected bytes after the %s body" % (len(r) - rd.pos, TYPE_NAMES[rtype]))
    return rec


def rotation_statement(origin, seq, new_key):
    return ("%s\n%s\n%d\n%s\n" % (ROTATION_HEADER, origin, seq, b64(new_key))).encode("utf-8")


# ---------------------------------------------------------------------------------------------------------
# The Merkle tree, grown one leaf at a time (FORMAT.md, "Merkle tree")

class CompactRange:
    def __init__(self):
        self.size = 0
        self.hashes = []  # roots of the perfect subtrees, largest first

    def append(self, leaf):
        self.hashes.append(leaf)
        carry = self.size
        while carry & 1:
            right = self.hashes.pop()
            left = self.hashes.pop()
            self.hashes.append(node_hash(left, right))
            carry >>= 1
        self.size += 1

    def root(self):
        if not self.hashes:
            return hashlib.sha256(b"").digest()
        acc = self.hashes[-1]
        for h in reversed(self.hashes[:-1]):
            acc = node_hash(h, acc)
        return acc


# ---------------------------------------------------------------------------------------------------------
# The verification algorithm (FORMAT.md, "Verification"); step numbers refer to that section

class Verifier:
    def __init__(self, anchor, openssl, saved=None, verbose=False):
        self.anchor = anchor
        self.ssl = openssl
        self.saved = saved  # (text_bytes, signatures, origin, size, root) or None
        self.saved_matched = None
        self.verbose = verbose
        self.failures = []
        self.tree = CompactRange()
        self.last_hash = bytes(32)
        self.position = 0
        self.expected_seq = 0
        self.origin = None
        self.current_key = anchor
        self.keys = [anchor]
        self.pending_key = None
        self.events = 0
        self.checkpoints = 0
        self.gaps = 0
        self.recoveries = 0
        self.dropped_total = 0
        self.last_checkpoint_seq = -1
        self.last_valid_checkpoint_position = -1
        self.last_checkpoint_valid = False
        self.last_type = None
        self.type_before_last = None
        self.seal_seq = -1
        self.last_gap_or_start = 0

    def fail(self, seq, kind, message):
        self.failures.append((seq, kind, message))

    # Step 1, for one record. Returns the decoded record, or None if it is malformed.
    def record(self, raw):
        self.check_saved_checkpoint()
        leaf = leaf_hash(raw)
        try:
            rec = decode_record(raw)
        except FormatError as e:
            self.fail(self.expected_seq, "malformed", "not a valid record: %s" % e)
            self.advance(leaf, self.expected_seq, None)
            return None
        seq, rtype = rec["seq"], rec["type"]
        if self.verbose:
            print("seq %d %s %d bytes leaf %s" % (seq, TYPE_NAMES[rtype], len(raw), leaf.hex()))
        if seq != self.expected_seq:
            what = ("%d record(s) missing before it" % (seq - self.expected_seq) if seq > self.expected_seq
                    else "a record inserted, repeated or moved here")
            self.fail(seq, "sequence", "expected sequence %d but found %d: %s" % (self.expected_seq, seq, what))
        if rec["prev"] != self.last_hash:
            if self.position == 0:
                self.fail(seq, "chain", "the first record's prev link is not all zeros")
            else:
                self.fail(seq - 1 if seq >= 1 else seq, "chain", "the hash of the record before sequence %d does"
                          " not match the prev link stored in %d: that record was altered, or records were removed,"
                          " inserted or swapped here" % (seq, seq))
        if self.position == 0 and rtype != GENESIS:
            self.fail(seq, "genesis", "the journal does not begin with a genesis record (found %s)"
                      % TYPE_NAMES[rtype])
        misplaced = self.life_cycle_break(rtype)
        if misplaced is not None:
            self.fail(seq, "life_cycle", misplaced)
        if rtype == GENESIS:
            self.on_genesis(seq, rec)
        elif rtype == CHECKPOINT:
            self.on_checkpoint(seq, rec)
        elif rtype == KEY_ROTATION:
            self.on_key_rotation(seq, rec)
        elif rtype == SEAL:
            self.on_seal(seq, rec)
        elif rtype == RECOVERY:
            self.on_recovery(seq, rec)
        elif rtype == GAP:
            self.on_gap(seq, rec)
        elif rtype == RESUME:
            self.last_gap_or_start = seq
        else:
            self.events += 1
        self.advance(leaf, seq, rtype)
        return rec

    def life_cycle_break(self, rtype):
        """None if a writer may put a record of this type after the two before it (FORMAT.md, step 1.7), else why not."""
        if self.last_type == CHECKPOINT and self.type_before_last == SEAL and rtype != RESUME:
            return ("a %s record after the journal was sealed: a writer appends to a sealed journal only a new"
                    " session, which begins with a resume record" % TYPE_NAMES[rtype])
        if self.last_type in (SEAL, RESUME, RECOVERY) and rtype not in (CHECKPOINT, RECOVERY):
            return ("a %s record right after a %s record, which its writer follows with a checkpoint at once (or,"
                    " after a crash, the next writer with a recovery record)"
                    % (TYPE_NAMES[rtype], TYPE_NAMES[self.last_type]))
        return None

    def advance(self, leaf, seq, rtype):
        self.tree.append(leaf)
        self.last_hash = leaf
        self.type_before_last, self.last_type = self.last_type, rtype
        if rtype != CHECKPOINT:
            self.last_checkpoint_valid = False
        self.position += 1
        self.expected_seq = seq + 1

    def on_genesis(self, seq, rec):
        if self.position != 0:
            self.fail(seq, "genesis", "a second genesis record in the middle of the journal")
            return
        self.origin = rec["origin"]
        try:
            check_key_name(self.origin)
        except FormatError as e:
            self.fail(seq, "genesis", "the origin is not a valid key name: %s" % e)
        if not valid_public_key(rec["key"]):
            self.fail(seq, "genesis", "the genesis public key is not a valid Ed25519 key")
            return
        if rec["key"] != self.anchor:
            self.fail(seq, "genesis", "the genesis record names key %s but the trusted key is %s: this journal was"
                      " not started by the trusted key" % (key_short(rec["key"]), key_short(self.anchor)))

    def signed_by(self, text, signatures, key):
        if self.origin is None:
            return False
        try:
            check_key_name(self.origin)
        except FormatError:
            return False
        return self.ssl.note_signed_by(text, signatures, self.origin, key)

    def on_checkpoint(self, seq, rec):
        self.checkpoints += 1
        self.last_checkpoint_seq = seq
        try:
            text, signatures = parse_signed_note(rec["note"])
            origin, size, root = parse_checkpoint(text)
        except FormatError as e:
            self.fail(seq, "checkpoint", "malformed checkpoint note: %s" % e)
            self.last_checkpoint_valid = False
            return
        ok = True
        # Only against an origin that can name a key (FORMAT.md, step 1.7), as vouch verify does: with a genesis origin
        # that cannot, this compared it and reported a checkpoint failure vouch verify did not.
        if self.origin is not None and valid_key_name(self.origin) and origin != self.origin:
            self.fail(seq, "checkpoint", "checkpoint origin %r is not the journal's origin %r" % (origin, self.origin))
            ok = False
        signed = self.signed_by(text, signatures, self.current_key)
        if not signed:
            self.fail(seq, "signature", "checkpoint for tree size %d is not validly signed by the key in force (%s)"
                      % (size, key_short(self.current_key)))
            ok = False
        if size != seq or size != self.position:
            self.fail(seq, "checkpoint", "checkpoint signs a tree of %d records but stands at sequence %d after %d"
                      " records" % (size, seq, self.position))
            ok = False
        elif self.tree.root() != root:
            self.fail(seq, "checkpoint", "the Merkle root of the %d records before it does not match the root this"
                      " checkpoint %s" % (self.position, "validly signs: a record before it was altered"
                                          if signed else "holds"))
            ok = False
        if "state_range" in rec:
            self.check_resume_state(seq, rec)
        if ok:
            self.last_valid_checkpoint_position = self.position
            if self.pending_key is not None:
                self.current_key = self.pending_key
                self.keys.append(self.pending_key)
                self.pending_key = None
        self.last_checkpoint_valid = ok

    def check_resume_state(self, seq, rec):
        # Format 1.1 (FORMAT.md, CHECKPOINT): the state a writer resumes from must be the journal's own.
        if (rec["state_events"], rec["state_dropped_total"], rec["state_last_gap_or_start"]) != (
                self.events, self.dropped_total, self.last_gap_or_start):
            self.fail(seq, "accounting", "the checkpoint's resume state counts %d events, %d dropped, last gap or"
                      " start %d, but the journal shows %d, %d and %d"
                      % (unsigned(rec["state_events"]), unsigned(rec["state_dropped_total"]),
                         unsigned(rec["state_last_gap_or_start"]), self.events, unsigned(self.dropped_total),
                         self.last_gap_or_start))
        next_key = self.pending_key if self.pending_key is not None else self.current_key
        if rec["state_next_key"] != next_key:
            self.fail(seq, "checkpoint", "the checkpoint's resume state names the next signing key %s but the"
                      " journal's is %s" % (key_short(rec["state_next_key"]), key_short(next_key)))
        if rec["state_range"] != self.tree.hashes:
            self.fail(seq, "checkpoint", "the checkpoint's resume state holds a compact range of %d hash(es) that is"
                      " not the tree of the %d records before it" % (len(rec["state_range"]), self.position))

    def on_key_rotation(self, seq, rec):
        new_key = rec["key"]
        if not valid_public_key(new_key):
            self.fail(seq, "key_rotation", "malformed key rotation: the new key is not a valid Ed25519 key")
            return
        try:
            text, signatures = parse_signed_note(rec["note"])
        except FormatError as e:
            self.fail(seq, "key_rotation", "malformed key rotation: %s" % e)
            return
        if text != rotation_statement(self.origin or "", seq, new_key):
            self.fail(seq, "key_rotation", "the rotation statement does not name this journal, position and key")
            return
        if not self.signed_by(text, signatures, self.current_key):
            self.fail(seq, "key_rotation", "the rotation to %s is not signed by the key in force (%s)"
                      % (key_short(new_key), key_short(self.current_key)))
            return
        self.pending_key = new_key

    def on_seal(self, seq, rec):
        self.seal_seq = seq
        if rec["dropped_total"] != self.dropped_total:
            self.fail(seq, "accounting", "the seal counts %d dropped events but the gap records account for %d"
                      % (unsigned(rec["dropped_total"]), unsigned(self.dropped_total)))
        if rec["events"] != self.events:
            self.fail(seq, "accounting", "the seal counts %d event records but the journal holds %d"
                      % (unsigned(rec["events"]), self.events))

    def on_recovery(self, seq, rec):
        self.recoveries += 1
        uncovered = seq - self.last_checkpoint_seq - 1
        if rec["last_checkpoint"] != self.last_checkpoint_seq or rec["uncovered"] != uncovered:
            self.fail(seq, "accounting", "the recovery record says the last checkpoint was %d with %d records after"
                      " it, but the journal shows %d and %d" % (rec["last_checkpoint"], unsigned(rec["uncovered"]),
                                                                self.last_checkpoint_seq, uncovered))

    def on_gap(self, seq, rec):
        self.gaps += 1
        # Counts are below 2^63 (FORMAT.md, "Conventions"): a total read with bit 63 set is a failure even where it
        # is the sum, read as i64, of a previous total that already had it (vouch verify's sums wrap).
        beyond = rec["dropped_total"] < 0
        if (rec["dropped_total"] != self.dropped_total + rec["dropped"] or rec["dropped"] <= 0 or beyond
                or rec["after"] != self.last_gap_or_start):
            self.fail(seq, "accounting", "gap record counts do not add up (dropped %d, total %d, previous total %d,"
                      " after %d)%s" % (unsigned(rec["dropped"]), unsigned(rec["dropped_total"]),
                                        unsigned(self.dropped_total), unsigned(rec["after"]),
                                        ": a dropped total of 2^63 or more" if beyond else ""))
        self.dropped_total = rec["dropped_total"]
        self.last_gap_or_start = seq

    # Step 3.
    def check_saved_checkpoint(self):
        if self.saved is None or self.saved_matched is not None or self.position != self.saved[3]:
            return
        text, signatures, origin, size, root = self.saved
        signed = False
        try:
            check_key_name(origin)
            for k in self.keys + ([self.pending_key] if self.pending_key else []):
                signed = signed or self.ssl.note_signed_by(text, signatures, origin, k)
        except FormatError:
            signed = False
        same_origin = origin == self.origin
        same_root = self.tree.root() == root
        self.saved_matched = signed and same_origin and same_root
        if not signed:
            self.fail(size, "saved_checkpoint", "the saved checkpoint is not signed by any key of this journal")
        if not same_origin:
            self.fail(size, "saved_checkpoint", "the saved checkpoint is for origin %r, not this journal's %r"
                      % (origin, self.origin))
        elif not same_root:
            self.fail(size, "saved_checkpoint", "the first %d records do not hash to the saved checkpoint's root:"
                      " the journal was rewritten" % size)

    # Step 2, then the verdict (FORMAT.md, "Verdict").
    def finish(self):
        self.check_saved_checkpoint()
        if self.saved is not None and self.saved_matched is None:
            self.saved_matched = False
            self.fail(-1, "saved_checkpoint", "the journal has %d records, fewer than the saved checkpoint's tree"
                      " size %d: it was cut off or rewritten" % (self.position, self.saved[3]))
        sealed = (self.last_type == CHECKPOINT and self.last_checkpoint_valid and self.type_before_last == SEAL
                  and self.seal_seq == self.position - 2)
        if self.last_valid_checkpoint_position < 0:
            uncovered = self.position
        else:
            uncovered = self.position - self.last_valid_checkpoint_position - 1
        if self.position == 0:
            return "INCOMPLETE", "the journal holds no records", sealed
        if self.failures:
            return "TAMPERED", "%d failure(s)" % len(self.failures), sealed
        if sealed:
            return "INTACT", "all %d records verify and the journal is sealed" % self.position, sealed
        if uncovered > 0:
            return ("INCOMPLETE", "the last %d record(s) are not covered by a signed checkpoint: the writer crashed"
                    " or is still running, or the tail was cut off" % uncovered, sealed)
        return ("INCOMPLETE", "the journal ends with a valid checkpoint but no seal: the writer crashed or is still"
                " running, or a sealed tail was cut off", sealed)


def utf8_or_none(raw):
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def iso_instant(nanos):
    """An instant as java.time.Instant.toString() writes it: UTC, fraction in groups of three digits, none if zero;
    None outside the years 1 to 9999."""
    seconds, frac = divmod(nanos, 1000000000)
    try:
        t = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=seconds)
    except OverflowError:
        return None
    if t.year > 9999:
        return None
    text = t.strftime("%Y-%m-%dT%H:%M:%S")
    if frac == 0:
        return text + "Z"
    if frac % 1000000 == 0:
        return "%s.%03dZ" % (text, frac // 1000000)
    if frac % 1000 == 0:
        return "%s.%06dZ" % (text, frac // 1000)
    return "%s.%09dZ" % (text, frac)


def key_members(said, prefix, raw):
    said[prefix + "_b64"] = base64.b64encode(raw).decode("ascii")
    said[prefix + "_fingerprint"] = hashlib.sha256(raw).hexdigest() if valid_public_key(raw) else None


def settings_members(said, raw):
    # Settings may hold any bytes (FORMAT.md); those that are not UTF-8 are rendered with U+FFFD for each maximal
    # subpart (docs/EXPORT.md), as Python's "replace" does, and compared: a line could say anything of them before.
    text = raw.decode("utf-8", "replace")
    said["settings_text"] = text
    settings = {}
    for line in text.split("\n"):
        if line:
            key, _, value = line.partition("=")
            if key in settings:  # no member twice (docs/EXPORT.md): null, and settings_text has every line
                said["settings"] = None
                return
            settings[key] = value
    said["settings"] = settings


def note_text(raw):
    """The text a signed note signs, or None if it is not a signed note."""
    try:
        return parse_signed_note(raw)[0].decode("utf-8")
    except (FormatError, UnicodeDecodeError):
        return None


class CallOutcomes:
    """What became of each tool call, read from the records that name it as their parent: a tool call's derived
    outcome member (docs/EXPORT.md), as vouch export derives it from the export's own records. One byte of flags per
    sequence number, in blocks, so memory grows with the journal, not with what a line claims."""
    RESULT, ERROR, STOPPED, STALLED, ANSWERED = 1, 2, 4, 8, 16
    STOPPING = {DECISIONS.index("BLOCK"), DECISIONS.index("REFUSED"), DECISIONS.index("TIMED_OUT")}
    STALL = DECISIONS.index("STALL")
    BLOCK_BITS = 12

    def __init__(self):
        self.blocks = {}

    def add(self, rec):
        rtype = rec["type"]
        if rtype not in (TOOL_RESULT, TOOL_ERROR, POLICY_DECISION, APPROVAL) or rec["parent"] < 0:
            return
        if rtype == TOOL_RESULT:
            self.set(rec["parent"], self.RESULT)
        elif rtype == TOOL_ERROR:
            self.set(rec["parent"], self.ERROR)
        else:
            if rec["decision"] in self.STOPPING:
                self.set(rec["parent"], self.STOPPED)
            elif rec["decision"] == self.STALL:
                self.set(rec["parent"], self.STALLED)
            if rtype == APPROVAL:
                self.set(rec["parent"], self.ANSWERED)

    def set(self, seq, flag):
        block = self.blocks.get(seq >> self.BLOCK_BITS)
        if block is None:
            block = self.blocks[seq >> self.BLOCK_BITS] = bytearray(1 << self.BLOCK_BITS)
        block[seq & ((1 << self.BLOCK_BITS) - 1)] |= flag

    def of(self, seq):
        block = self.blocks.get(seq >> self.BLOCK_BITS)
        flags = block[seq & ((1 << self.BLOCK_BITS) - 1)] if block is not None else 0
        if flags & self.RESULT:
            return "result"
        if flags & self.ERROR:
            return "error"
        if flags & self.STOPPED:
            return "not_run"
        return "awaiting_approval" if flags & self.STALLED and not flags & self.ANSWERED else "not_recorded"


def call_outcomes(path):
    """The first pass over an export: a tool call's outcome comes from the records after it. Malformed records are
    left for the verifying pass to report."""
    outcomes = CallOutcomes()
    for raw, _, _ in read_export(path):
        try:
            outcomes.add(decode_record(raw))
        except FormatError:
            pass
    return outcomes


def readable_members(rec, raw, index, outcomes=None):
    """What an export line's readable members say for the record rec, its bytes raw at journal position index
    (docs/EXPORT.md); the line is checked against them, since only record_b64 is verified. A tool call's derived
    outcome comes from outcomes (the export's own records), and is left out without them (a DSSE record predicate
    has none); a checkpoint's note_error, worded by the exporter, is WORDED when the note does not parse (null when
    it does)."""
    rtype = rec["type"]
    said = {"seq": rec["seq"], "index": index, "type": TYPE_NAMES[rtype], "type_code": rtype,
            "format": "%d.%d" % (rec["major"], rec["minor"]), "timestamp_ns": rec["timestamp"],
            "prev": rec["prev"].hex(), "leaf_hash": leaf_hash(raw).hex()}
    iso = iso_instant(rec["timestamp"])
    if iso is not None:
        said["timestamp"] = iso
    if rtype in EVENT_TYPES:
        for field in ("agent", "task", "name", "policy"):
            said[field] = rec[field]
        said["parent"] = None if rec["parent"] == -1 else rec["parent"]
        said["decision"] = DECISIONS[rec["decision"]].lower()
        said["risk"] = RISKS[rec["risk"]].lower()
        for field in ("params", "result"):
            said[field] = utf8_or_none(rec[field])
            said[field + "_b64"] = base64.b64encode(rec[field]).decode("ascii")
        said["tool_call_id"] = rec.get("tool_call_id", "")
        said["trace_id"] = rec.get("trace_id")
        said["span_id"] = rec.get("span_id")
        said["principal"] = rec.get("principal", "")
        if rtype == TOOL_CALL and outcomes is not None:
            said["outcome"] = outcomes.of(rec["seq"])
    elif rtype == GENESIS:
        said["origin"] = rec["origin"]
        key_members(said, "public_key", rec["key"])
        said["library_version"] = rec["version"]
        settings_members(said, rec["settings"])
    elif rtype == RESUME:
        said["library_version"] = rec["version"]
        settings_members(said, rec["settings"])
    elif rtype == KEY_ROTATION:
        key_members(said, "new_public_key", rec["key"])
        said["note"] = rec["note"].decode("utf-8")
        said["statement"] = note_text(rec["note"])
    elif rtype == SEAL:
        said["sealed_events"] = unsigned(rec["events"])  # u64 members are written unsigned (EXPORT.md)
        said["dropped_total"] = unsigned(rec["dropped_total"])
    elif rtype == GAP:
        said["dropped"] = unsigned(rec["dropped"])
        said["dropped_total"] = unsigned(rec["dropped_total"])
        said["after_seq"] = unsigned(rec["after"])
    elif rtype == RECOVERY:
        said["last_checkpoint_seq"] = None if rec["last_checkpoint"] == -1 else rec["last_checkpoint"]
        said["uncovered"] = unsigned(rec["uncovered"])
        said["reason"] = rec["reason"]
    elif rtype == CHECKPOINT:
        said["note"] = rec["note"].decode("utf-8")
        try:
            origin, size, root = parse_checkpoint(parse_signed_note(rec["note"])[0])
            said.update(origin=origin, tree_size=size, root_hash_b64=b64(root), note_error=None)
        except (FormatError, UnicodeDecodeError):
            said.update(origin=None, tree_size=None, root_hash_b64=None, note_error=WORDED)
        state = "state_events" in rec
        # u64 fields, written unsigned (EXPORT.md), all bits set included: they were compared signed.
        said["resume_events"] = unsigned(rec["state_events"]) if state else None
        said["resume_dropped_total"] = unsigned(rec["state_dropped_total"]) if state else None
        said["resume_last_gap_or_start_seq"] = unsigned(rec["state_last_gap_or_start"]) if state else None
        if state:
            key_members(said, "resume_next_key", rec["state_next_key"])
            said["resume_range_b64"] = [b64(h) for h in rec["state_range"]]
        else:
            said.update(resume_next_key_b64=None, resume_next_key_fingerprint=None, resume_range_b64=None)
    return said


def malformed_members(raw, index):
    """What the line of a record that does not decode says (docs/EXPORT.md, "Malformed records"); why it does not
    decode is WORDED, the exporter's words."""
    return {"seq": u64(raw, 4) if len(raw) >= 12 else None, "index": index, "malformed": WORDED, "length": len(raw),
            "leaf_hash": leaf_hash(raw).hex()}


def sequence_in(raw):
    """The sequence field of a record, decoded or not (a malformed record's line names it too), or -1 if the record is
    too short to hold one or it is 2^63 or more: the sequence number an export_line failure concerns."""
    return u64(raw, 4) if len(raw) >= 12 and not raw[4] & 0x80 else -1


def misleading_members(line, raw, rec, index, export_line=None, outcomes=None):
    """The members of an export line that say something its record_b64 does not. For an export line, a member the
    format always writes and the line lacks is one too (a reader of the line misses what the record says) unless the
    record's value is null or empty (older exporters did not write members added later), and so is
    a member the format does not have for this type of record (a reader would take it for part of the record). In an
    export of which any line names type_code (vouch export writes it on every line), every line is an export line
    (export_line=True): an outside auditor removed type_code from one line, and the check of added and removed
    members was off for it. Of other
    JSON holding a record_b64 (a minimal export, FORMAT.md; export_line None: an export line only if it has
    type_code), only the members it has are compared. rec is raw decoded, or None if it is malformed (the verifier
    reports that, and the line is held to the exporter's malformed line, as vouch verify holds it: a line of a
    malformed record that says it is a tool call misleads as much as any). With outcomes (from the export's own
    records), a tool call's outcome, where the line has it, must be what they say: an outside re-trial gave a blocked
    call's line "outcome":"result" and it verified. An absent outcome claims nothing (0.1.0's exports predate it)."""
    said = readable_members(rec, raw, index, outcomes) if rec is not None else malformed_members(raw, index)
    whole = export_line or (export_line is None and "type_code" in line)
    # Without outcomes a tool call's derived outcome is not compared (a DSSE record predicate has none).
    exempt = {"outcome"} if outcomes is None and rec is not None and rec["type"] == TOOL_CALL else set()
    # In the order vouch verify names them: the line's members as it has them, then those it lacks.
    differing = []
    for name in list(line) + ([name for name in said if name not in line] if whole else []):
        if name == "record_b64" or name in exempt or name == "outcome" and name not in line:
            continue
        if name not in said:
            if whole:
                differing.append(name)
        elif name not in line:
            # An absent member says what a null or empty one says: exports written before a member was added (an
            # outside trial's 0.1.0 exports lack tool_call_id, trace_id, span_id, principal and a format 1.0
            # checkpoint's resume_* members) mislead no reader where the record has nothing there.
            if said[name] is not None and said[name] != "":
                differing.append(name)
        elif differs(line[name], said[name], name):
            differing.append(name)
    return differing


class Worded:
    """A value another tool words, such as why a checkpoint's note does not parse (note_error): any non-empty
    string is it, and nothing else (an outside auditor found that any value passed, null included)."""


WORDED = Worded()


def differs(given, value, name=None):
    """Whether a line's member says something else than its record: numbers by their exact value (4, 4.0 and 4e0
    are one number; an outside verifier in JavaScript asked how they compare), the ISO-8601 timestamp by the instant it
    names (0 to 9 fraction digits), words of the exporter's own as any non-empty string."""
    if value is WORDED:
        return not isinstance(given, str) or not given
    if name == "timestamp" and isinstance(value, str):
        return not isinstance(given, str) or given != value and canonical_instant(given) != value
    if is_number(value) and is_number(given):
        return decimal.Decimal(given) != decimal.Decimal(value)
    return given != value or type(given) is not type(value)


def is_number(value):
    return isinstance(value, (int, decimal.Decimal)) and not isinstance(value, bool)


ISO_INSTANT = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2})(?:\.([0-9]{1,9}))?Z")


def canonical_instant(text):
    """An export line's timestamp as iso_instant writes the instant it names (fraction in groups of three digits,
    none if zero), or None if it is not ISO-8601 in UTC with 0 to 9 fraction digits (EXPORT.md)."""
    m = ISO_INSTANT.fullmatch(text)
    if m is None:
        return None
    nine = ((m.group(2) or "") + "000000000")[:9]
    if nine == "000000000":
        return m.group(1) + "Z"
    if nine.endswith("000000"):
        return "%s.%sZ" % (m.group(1), nine[:3])
    if nine.endswith("000"):
        return "%s.%sZ" % (m.group(1), nine[:6])
    return "%s.%sZ" % (m.group(1), nine)


def names_type_code(path):
    """Whether any line of the export has a member type_code, as every line vouch export writes does. Only a line
    whose text could name it (type_code, or an escape such as type\\u005fcode) is decoded, and the scan stops at the
    first such line: a vouch export decodes its first line again, a minimal export none."""
    try:
        with open(path, "rb") as f:
            for line in f:
                if b"type_code" in line or b"\\u" in line:
                    try:
                        obj = json.loads(line.decode("utf-8"), parse_constant=no_constant)
                    except (ValueError, RecursionError):
                        continue  # read_export names the line
                    if isinstance(obj, dict) and "type_code" in obj:
                        return True
            return False
    except OSError as e:
        raise InputError("cannot read %s: %s" % (path, e))


def no_constant(name):
    """NaN and Infinity are not JSON (RFC 8259); Python's parser accepts them unless told."""
    raise ValueError("%s is not a JSON value" % name)


def read_export(path):
    """Yields (record bytes, line object, line number) from an export (FORMAT.md, "Export format")."""
    try:
        # Bytes that are not UTF-8 are kept as lone surrogates, so that the line holding them can be named.
        f = open(path, "r", encoding="utf-8", errors="surrogateescape")
    except OSError as e:
        raise InputError("cannot read %s: %s" % (path, e))
    with f:
        for line_no, line in enumerate(f, 1):
            try:
                line.encode("utf-8")
            except UnicodeEncodeError:
                raise InputError("%s line %d is not UTF-8 text (an export is UTF-8)" % (path, line_no))
            if not line.strip(" \t\r\n"):  # blank: only JSON white space (FORMAT.md), not U+00A0
                continue
            try:
                # Numbers exactly: a float would lose timestamp_ns, which is above 2^53.
                obj = json.loads(line, object_pairs_hook=no_duplicates, parse_constant=no_constant,
                                 parse_float=decimal.Decimal)
            except RecursionError:
                raise InputError("%s line %d is not a valid export line: nested too deeply" % (path, line_no))
            except ValueError as e:
                raise InputError("%s line %d is not a valid export line: %s" % (path, line_no, e))
            if not isinstance(obj, dict) or "record_b64" not in obj:
                raise InputError("%s line %d has no record_b64 field" % (path, line_no))
            try:
                yield b64_strict(obj["record_b64"]), obj, line_no
            except FormatError as e:
                raise InputError("%s line %d: record_b64 is %s" % (path, line_no, e))


def read_saved_checkpoint(path):
    try:
        with open(path, "rb") as f:
            data = f.read(1 << 20)
        text, signatures = parse_signed_note(data)
        origin, size, root = parse_checkpoint(text)
        try:
            # Signed under its origin as key name: one that cannot be a key name makes it unusable, as for vouch
            # verify (this took it and reported a saved_checkpoint failure).
            check_key_name(origin)
        except FormatError as e:
            raise FormatError("its origin cannot name the key that signs it: %s" % e)
    except OSError as e:
        raise InputError("cannot read saved checkpoint %s: %s" % (path, e))
    except FormatError as e:
        raise InputError("saved checkpoint %s is not a signed checkpoint note: %s" % (path, e))
    return text, signatures, origin, size, root


def main(argv):
    ap = argparse.ArgumentParser(description="Verify a Vouch journal export using only SHA-256 and openssl.")
    ap.add_argument("export", help="JSONL export, one object with record_b64 per line")
    ap.add_argument("--pubkey", required=True, help="trust anchor: the journal's first public key (PEM)")
    ap.add_argument("--checkpoint", help="a signed checkpoint note saved earlier; the journal must extend it")
    ap.add_argument("--verbose", action="store_true", help="print one line per record")
    args = ap.parse_args(argv)
    ssl = None
    try:
        anchor = read_public_key_pem(args.pubkey)
        saved = read_saved_checkpoint(args.checkpoint) if args.checkpoint else None
        ssl = Openssl()
        v = Verifier(anchor, ssl, saved, args.verbose)
        full = names_type_code(args.export)  # a vouch export: then every line must be a whole export line
        outcomes = call_outcomes(args.export)
        named_lines = more_lines = 0
        for raw, line, line_no in read_export(args.export):
            index = v.position
            misleading = misleading_members(line, raw, v.record(raw), index, export_line=full or None,
                                            outcomes=outcomes)
            if misleading and named_lines >= MAX_NAMED_LINES:
                more_lines += 1
            elif misleading:
                named_lines += 1
                # The sequence number the line's own record holds, as vouch verify names it: an outside trial swapped
                # two lines, and this named the second by the next sequence number it expected, vouch by position.
                seq = sequence_in(raw)
                v.fail(seq, "export_line", "line %d (%s) does not say what its record_b64 says: %s differ%s (only"
                       " record_b64 is verified, so a reader of the line would be misled)"
                       % (line_no, "record seq %d" % seq if seq >= 0 else "its record holds no sequence number below"
                          " 2^63", ", ".join(misleading), "s" if len(misleading) == 1 else ""))
        if more_lines:
            v.fail(-1, "export_line", "%d more line(s) that do not say what their record_b64 says" % more_lines)
        verdict, reason, sealed = v.finish()
    except InputError as e:
        print("ERROR: %s" % e, file=sys.stderr)
        return 2
    finally:
        if ssl is not None:
            ssl.close()
    try:
        report(v, verdict, reason, sealed)
    except BrokenPipeError:  # output piped into head and the like: the exit status still tells the verdict
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0 if verdict == "INTACT" else 1


def report(v, verdict, reason, sealed):
    print("%s: %s" % (verdict, reason))
    for seq, kind, message in v.failures[:1000]:
        print("  %s: %s: %s" % ("seq %d" % seq if seq >= 0 else "journal", kind, message))
    if len(v.failures) > 1000:
        print("  ... %d more failures" % (len(v.failures) - 1000))
    print("records=%d events=%d checkpoints=%d keys=%d gaps=%d dropped=%d recoveries=%d sealed=%s origin=%s%s"
          % (v.position, v.events, v.checkpoints, len(v.keys), v.gaps, unsigned(v.dropped_total), v.recoveries,
             "yes" if sealed else "no", v.origin,
             "" if v.saved_matched is None else " saved-checkpoint=%s" % ("extends" if v.saved_matched
                                                                          else "NOT extended")))
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
