#!/usr/bin/python3
"""Interoperability tests: the Python implementation of docs/FORMAT.md
(handover_v1.py) against the committed vectors and the C++ `handover` CLI.

  interop_test.py --source-dir REPO [--cli PATH/TO/handover] [--require-cli]
                  [unittest options]

Without --cli (or HANDOVER_CLI in the environment) the C++ cross-checks are
skipped; with --require-cli a missing CLI is a failure, as under ctest.
Exits non-zero if any test fails.
"""

import argparse
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import unittest

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import handover_v1 as hv  # noqa: E402
import nacl.bindings as sodium  # noqa: E402

SOURCE_DIR = None
CLI = None
REQUIRE_CLI = False
HERE = os.path.dirname(os.path.abspath(__file__))
PY_TOOL = os.path.join(HERE, "handover_v1.py")


def vector_path(name):
    return os.path.join(SOURCE_DIR, "tests", "vectors", "v1", name)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(path, data, mode=0o644):
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)


def vector_fields():
    out = {}
    for line in read(vector_path("vector.txt")).decode().splitlines():
        if line.startswith("#") or ": " not in line:
            continue
        k, v = line.split(": ", 1)
        out[k] = v
    return out


def seeded_identity(agency, seed_byte):
    """The vector's key recipe (vector.txt): seeds of one repeated byte."""
    seed = bytes([seed_byte]) * 32
    _, sign_sk = sodium.crypto_sign_seed_keypair(seed)
    box_seed = bytes([seed_byte ^ 0xFF]) + seed[1:]
    _, box_sk = sodium.crypto_box_seed_keypair(box_seed)
    return hv.SecretKey(agency.encode(), sign_sk, box_sk)


class Vector:
    """The committed vector, loaded once."""

    def __init__(self):
        self.fields = vector_fields()
        self.envelope = read(vector_path("envelope.bin"))
        self.plaintext = read(vector_path("plaintext.bin"))
        self.sender = hv.parse_public_key_file(
            read(vector_path("stockport-cs.public.key")))
        self.recipients = [
            hv.parse_secret_key_file(read(vector_path(n + ".secret.key")))
            for n in ("birmingham-cs", "west-midlands-police")]
        self.now = int(self.fields["created_at"])
        self.head = hv.read_head(io.BytesIO(self.envelope))
        self.content_key = bytes.fromhex(self.fields["content_key"])

    def ciphertext_offset(self):
        return len(self.head.signed) + 64 + 80 * len(self.head.wrapped_keys)

    def frame_offset(self, i):
        return self.ciphertext_offset() + 24 + i * (4 + 1024 + 17)


V = None


def setUpModule():
    global V
    V = Vector()


class ExpectFailure:
    def assertFailure(self, name, envelope, me=None, sender=None, now=None):
        me = me or V.recipients[0]
        sender = sender or V.sender
        now = V.now if now is None else now
        with self.assertRaises(hv.EnvelopeError) as cm:
            hv.open_bytes(envelope, me, sender, now)
        self.assertEqual(cm.exception.failure, name, str(cm.exception))


# ---------------------------------------------------------------------------

class VectorTest(unittest.TestCase):
    """(1) The committed vector, opened and rebuilt from the spec alone."""

    def test_opens_for_each_recipient(self):
        for me in V.recipients:
            header, plain = hv.open_bytes(V.envelope, me, V.sender, V.now)
            self.assertEqual(plain, V.plaintext, me.agency_id)
            self.assertEqual(header.chunk_count(), 3)

    def test_cli_opens_for_each_recipient(self):
        # Through handover_v1.py's command line, with the secret key copied
        # to a 0600 file (git does not keep modes; the loader checks them).
        with tempfile.TemporaryDirectory() as tmp:
            for who in ("birmingham-cs", "west-midlands-police"):
                key = os.path.join(tmp, who + ".secret.key")
                write(key, read(vector_path(who + ".secret.key")), 0o600)
                out = os.path.join(tmp, who + ".out")
                r = subprocess.run(
                    [sys.executable, PY_TOOL, "open", "--secret-key", key,
                     "--sender-pub", vector_path("stockport-cs.public.key"),
                     "--in", vector_path("envelope.bin"),
                     "--now", str(V.now), "--out", out],
                    capture_output=True, text=True)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(read(out), V.plaintext)

    def test_key_files_round_trip_and_key_ids(self):
        f = V.fields
        self.assertEqual(V.sender.sign_pk.hex(), f["sender_sign_pk"])
        self.assertEqual(V.sender.sign_key_id.hex(), f["sender_key_id"])
        for i, me in enumerate(V.recipients):
            name = me.agency_id.decode()
            self.assertEqual(name, f[f"recipient_{i}"])
            self.assertEqual(hv.encode_secret_key_file(me),
                             read(vector_path(name + ".secret.key")))
            self.assertEqual(hv.encode_public_key_file(me.public),
                             read(vector_path(name + ".public.key")))
            self.assertEqual(me.public.box_pk.hex(),
                             f[f"recipient_{i}_box_pk"])
            self.assertEqual(me.public.box_key_id.hex(),
                             f[f"recipient_{i}_box_key_id"])

    def test_intermediates(self):
        f, h = V.fields, V.head.header
        self.assertEqual(V.head.signed.hex(), f["signed_header"])
        self.assertEqual(V.head.signature.hex(), f["signature"])
        self.assertEqual(h.transfer_id.hex(), f["transfer_id"])
        self.assertEqual(h.created_at, int(f["created_at"]))
        self.assertEqual(h.expires_at, int(f["expires_at"]))
        self.assertEqual(h.chunk_size, int(f["chunk_size"]))
        self.assertEqual(h.plaintext_size, int(f["plaintext_size"]))
        self.assertEqual(len(V.envelope), int(f["envelope_size"]))
        self.assertEqual(hv.head_length(h) + 24 + 3 * 21 + h.plaintext_size,
                         len(V.envelope))
        # Key commitment from the content key.
        self.assertEqual(hv.key_commitment(V.content_key, h.transfer_id).hex(),
                         f["key_commitment"])
        self.assertEqual(h.key_commitment.hex(), f["key_commitment"])
        # Each wrapped key opens to the content key.
        for i, me in enumerate(V.recipients):
            self.assertEqual(V.head.wrapped_keys[i].hex(),
                             f[f"recipient_{i}_wrapped_key"])
            self.assertEqual(sodium.crypto_box_seal_open(
                V.head.wrapped_keys[i], me.public.box_pk, me.box_sk),
                V.content_key)
        # Ciphertext hash: context, then every ciphertext byte in order.
        ct = V.envelope[V.ciphertext_offset():]
        self.assertEqual(ct[:24].hex(), f["stream_header"])
        self.assertEqual(hv.blake2b(hv.CTX_CIPHERTEXT + ct, 32).hex(),
                         f["ciphertext_hash"])
        # Signature over the context (with its NUL) and prefix || header.
        self.assertTrue(hv.verify_detached(
            V.head.signature, b"handover/v1/envelope-signature\x00" +
            V.head.signed, V.sender.sign_pk))
        self.assertFalse(hv.verify_detached(
            V.head.signature, b"handover/v1/envelope-signature" +
            V.head.signed, V.sender.sign_pk))

    def test_sealing_reproduces_the_vector(self):
        """Seal with the vector's keys, ids, times, content key and stream
        header: every byte but the (randomised) wrapped keys must match;
        with the vector's wrapped keys spliced in, the whole file does."""
        f = V.fields
        sender = seeded_identity("stockport-cs", 0x01)
        recipients = [seeded_identity("birmingham-cs", 0x02),
                      seeded_identity("west-midlands-police", 0x03)]
        self.assertEqual(hv.encode_public_key_file(sender.public),
                         read(vector_path("stockport-cs.public.key")))
        sealed = hv.seal_bytes(
            sender, [r.public for r in recipients], V.plaintext,
            int(f["created_at"]), ttl=int(f["expires_at"]) -
            int(f["created_at"]), chunk_size=int(f["chunk_size"]),
            transfer_id=bytes.fromhex(f["transfer_id"]),
            content_key=V.content_key,
            stream_header=bytes.fromhex(f["stream_header"]))
        self.assertEqual(len(sealed), len(V.envelope))
        keys_at = len(V.head.signed) + 64
        keys_end = keys_at + 160
        self.assertEqual(sealed[:keys_at].hex(), V.envelope[:keys_at].hex())
        self.assertEqual(sealed[keys_end:].hex(), V.envelope[keys_end:].hex())
        spliced = sealed[:keys_at] + V.envelope[keys_at:keys_end] + \
            sealed[keys_end:]
        self.assertEqual(spliced, V.envelope)
        # And the fresh wrapped keys open too.
        for me in V.recipients:
            self.assertEqual(hv.open_bytes(sealed, me, V.sender, V.now)[1],
                             V.plaintext)

    def test_secret_key_mode_is_enforced(self):
        with tempfile.TemporaryDirectory() as tmp:
            key = os.path.join(tmp, "secret.key")
            write(key, read(vector_path("birmingham-cs.secret.key")), 0o640)
            with self.assertRaises(hv.KeyFileError):
                hv.load_secret_key(key)
            os.chmod(key, 0o600)
            self.assertEqual(hv.load_secret_key(tmp).agency_id,
                             b"birmingham-cs")
            link = os.path.join(tmp, "link.key")
            os.symlink(key, link)
            with self.assertRaises(hv.KeyFileError):
                hv.load_secret_key(link)

    def test_key_file_checksum_is_checked(self):
        for name in ("stockport-cs.public.key", "birmingham-cs.secret.key"):
            data = bytearray(read(vector_path(name)))
            parse = hv.parse_public_key_file if "public" in name else \
                hv.parse_secret_key_file
            for pos in (9, 20, len(data) - 1):
                bad = bytearray(data)
                bad[pos] ^= 0x01
                with self.assertRaises(hv.KeyFileError, msg=f"{name}@{pos}"):
                    parse(bytes(bad))


# ---------------------------------------------------------------------------

class NegativeTest(unittest.TestCase, ExpectFailure):
    """(3) Every MUST-reject rule of FORMAT §7, on the vector."""

    def mutate(self, pos, xor=0x01):
        e = bytearray(V.envelope)
        e[pos] ^= xor
        return bytes(e)

    def reheader(self, **changes):
        """The vector with a re-serialised header (signature unchanged)."""
        import copy
        h = copy.deepcopy(V.head.header)
        for k, v in changes.items():
            setattr(h, k, v)
        return hv.serialize_header(h) + V.envelope[len(V.head.signed):]

    def test_flipped_signature_byte(self):
        self.assertFailure("bad_signature", self.mutate(len(V.head.signed)))

    def test_flipped_header_byte(self):
        # created_at's low byte: still a valid header, no longer signed.
        self.assertFailure("bad_signature", self.mutate(13 + 1 + 16 + 1 + 12
                                                        + 16 + 7))
        self.assertFailure("bad_signature",
                           self.reheader(expires_at=V.head.header.expires_at
                                         + 86400))

    def test_third_agency_spliced_into_recipients(self):
        h = V.head.header
        recipients = list(h.recipients)
        recipients[1] = hv.Recipient(b"third-agency", recipients[1].box_key_id)
        self.assertFailure("bad_signature",
                           self.reheader(recipients=recipients))

    def test_truncations(self):
        e = V.envelope
        for cut, what in ((len(e) - 7, "inside the final chunk"),
                          (V.frame_offset(2), "at a chunk boundary"),
                          (V.frame_offset(1) + 2, "inside a frame index"),
                          (V.ciphertext_offset() + 10, "in the stream header"),
                          (len(V.head.signed) + 64 + 83, "in wrapped keys"),
                          (len(V.head.signed) + 10, "in the signature"),
                          (100, "in the header"),
                          (10, "in the prefix")):
            with self.subTest(what):
                self.assertFailure("truncated", e[:cut])

    def test_prefix_rules(self):
        self.assertFailure("not_an_envelope", b"HANDOVEX" + V.envelope[8:])
        self.assertFailure("not_an_envelope", b"HANDO")
        self.assertFailure("not_an_envelope", b"")
        self.assertFailure("unknown_version", self.mutate(8, 0x03))
        big = V.envelope[:9] + struct.pack(">I", 65537) + V.envelope[13:]
        self.assertFailure("header_too_large", big)
        ok = V.envelope[:9] + struct.pack(">I", 65536) + V.envelope[13:]
        self.assertFailure("truncated", ok)  # allowed, but the file ends

    def test_header_grammar(self):
        s = V.head.signed
        # Trailing byte inside the declared header.
        longer = s[:9] + struct.pack(">I", len(s) - 13 + 1) + s[13:] + b"\0"
        self.assertFailure("malformed_header", longer + V.envelope[len(s):])
        # Header cut short (declared length shrinks by one).
        shorter = s[:9] + struct.pack(">I", len(s) - 13 - 1) + s[13:-1]
        self.assertFailure("malformed_header", shorter + V.envelope[len(s):])
        h = V.head.header
        bad_values = {
            "suite": 2, "sender_id": b"Stockport", "expires_at": h.created_at,
            "content_type": b"text/plain; charset=utf-8",
            "chunk_size": 1023, "recipients": [],
        }
        for k, v in bad_values.items():
            with self.subTest(k):
                hh = hv.Header(**{**h.__dict__, k: v})
                with self.assertRaises(hv.EnvelopeError):
                    hv.serialize_header(hh)
                # Serialise without the checks to feed the parser.
                body = bytearray()
                body += bytes([hh.suite]) + hh.transfer_id
                body += bytes([len(hh.sender_id)]) + hh.sender_id
                body += hh.sender_key_id
                body += struct.pack(">qq", hh.created_at, hh.expires_at)
                body += bytes([len(hh.content_type)]) + hh.content_type
                body += struct.pack(">IQ", hh.chunk_size, hh.plaintext_size)
                body += hh.key_commitment + hh.ciphertext_hash
                body += bytes([len(hh.recipients)])
                for r in hh.recipients:
                    body += bytes([len(r.agency_id)]) + r.agency_id + \
                        r.box_key_id
                with self.assertRaises(hv.EnvelopeError) as cm:
                    hv.parse_header(bytes(body))
                self.assertEqual(cm.exception.failure, "malformed_header")
        dup = [h.recipients[0], h.recipients[0]]
        with self.assertRaises(hv.EnvelopeError):
            hv.serialize_header(hv.Header(**{**h.__dict__, "recipients": dup}))
        huge = hv.Header(**{**h.__dict__, "chunk_size": 1024,
                            "plaintext_size": (2**32 - 1) * 1024})
        with self.assertRaises(hv.EnvelopeError):
            hv.serialize_header(huge)
        fits = hv.Header(**{**h.__dict__, "chunk_size": 1024,
                            "plaintext_size": (2**32 - 1) * 1024 - 1})
        self.assertEqual(hv.parse_header(hv.serialize_header(fits)[13:])
                         .chunk_count(), 2**32 - 1)

    def test_wrong_sender_key(self):
        other = hv.generate_key(b"stockport-cs").public
        self.assertFailure("wrong_sender_key", V.envelope, sender=other)
        renamed = hv.PublicKey(b"stockport-cs2", V.sender.sign_pk,
                               V.sender.box_pk)
        self.assertFailure("wrong_sender_key", V.envelope, sender=renamed)

    def test_not_a_recipient(self):
        third = hv.generate_key(b"third-agency")
        self.assertFailure("not_a_recipient", V.envelope, me=third)
        same_name_new_key = hv.generate_key(b"birmingham-cs")
        self.assertFailure("not_a_recipient", V.envelope, me=same_name_new_key)

    def test_validity_window(self):
        h = V.head.header
        self.assertFailure("expired", V.envelope, now=h.expires_at)
        hv.open_bytes(V.envelope, V.recipients[0], V.sender, h.expires_at - 1)
        self.assertFailure("not_yet_valid", V.envelope,
                           now=h.created_at - 601)
        hv.open_bytes(V.envelope, V.recipients[0], V.sender,
                      h.created_at - 600)

    def test_bad_wrapped_key(self):
        self.assertFailure("bad_wrapped_key",
                           self.mutate(len(V.head.signed) + 64 + 40))
        # Recipient 1's slot damaged: recipient 0 still opens.
        e = self.mutate(len(V.head.signed) + 64 + 80 + 40)
        self.assertEqual(hv.open_bytes(e, V.recipients[0], V.sender, V.now)[1],
                         V.plaintext)
        self.assertFailure("bad_wrapped_key", e, me=V.recipients[1])

    def test_substituted_content_key(self):
        me = V.recipients[0]
        forged = sodium.crypto_box_seal(os.urandom(32), me.public.box_pk)
        at = len(V.head.signed) + 64
        e = V.envelope[:at] + forged + V.envelope[at + 80:]
        self.assertFailure("key_commitment_mismatch", e)

    def test_chunk_damage(self):
        self.assertFailure("chunk_auth_failed",
                           self.mutate(V.frame_offset(1) + 4 + 100))
        self.assertFailure("chunk_auth_failed",
                           self.mutate(V.ciphertext_offset() + 3))
        self.assertFailure("chunk_out_of_order",
                           self.mutate(V.frame_offset(1) + 3))
        e = V.envelope
        a, b = V.frame_offset(0), V.frame_offset(1)
        n = b - a
        swapped = e[:a] + e[b:b + n] + e[a:a + n] + e[b + n:]
        self.assertFailure("chunk_out_of_order", swapped)

    def test_cut_frame_with_a_wrong_index(self):
        e = self.mutate(V.frame_offset(1) + 3)[:V.frame_offset(1) + 100]
        self.assertFailure("chunk_out_of_order", e)

    def test_case_file_needs_its_content_type(self):
        s = seeded_identity("stockport-cs", 0x01)
        r = V.recipients[0]
        payload = hv.encode_payload(PayloadTest.BUNDLE, [])
        for ct, ok in ((hv.CASE_BUNDLE_CONTENT_TYPE.encode(), True),
                       (b"application/octet-stream", False)):
            e = hv.seal_bytes(s, [r.public], payload, V.now, content_type=ct)
            if ok:
                hv.open_case_file(e, r, s.public, V.now)
                continue
            with self.assertRaises(hv.EnvelopeError) as cm:
                hv.open_case_file(e, r, s.public, V.now)
            self.assertEqual(cm.exception.failure, "malformed_payload")

    def test_trailing_data(self):
        self.assertFailure("trailing_data", V.envelope + b"\0")
        a = V.frame_offset(0)
        self.assertFailure("trailing_data",
                           V.envelope + V.envelope[a:a + 1045])

    def forge_stream(self, chunks, tags):
        """A co-recipient, who knows the content key, re-encrypts."""
        state = sodium.crypto_secretstream_xchacha20poly1305_state()
        out = sodium.crypto_secretstream_xchacha20poly1305_init_push(
            state, V.content_key)
        for i, (c, t) in enumerate(zip(chunks, tags)):
            out += struct.pack(">I", i) + \
                sodium.crypto_secretstream_xchacha20poly1305_push(
                    state, c, None, t)
        return V.envelope[:V.ciphertext_offset()] + out

    def test_re_encrypted_ciphertext(self):
        F, M = hv.TAG_FINAL, hv.TAG_MESSAGE
        same_shape = [b"X" * 1024, b"X" * 1024, b"Y" * 452]
        self.assertFailure("ciphertext_hash_mismatch",
                           self.forge_stream(same_shape, [M, M, F]))
        self.assertFailure("bad_stream_tag",
                           self.forge_stream(same_shape, [M, F, F]))
        self.assertFailure("bad_stream_tag",
                           self.forge_stream(same_shape, [M, M, M]))

    def test_seal_open_edges(self):
        s = seeded_identity("stockport-cs", 0x01)
        r = V.recipients[0]
        for size, cs in ((0, 1024), (1024, 1024), (3 * 1024, 1024),
                         (1023, 1024), (70000, 65536), (5000, 4096)):
            with self.subTest(size=size, chunk=cs):
                plain = os.urandom(size)
                e = hv.seal_bytes(s, [r.public], plain, V.now, chunk_size=cs)
                h, out = hv.open_bytes(e, r, s.public, V.now)
                self.assertEqual(out, plain)
                self.assertEqual(h.chunk_count(), size // cs + 1)
                self.assertLess(h.chunk_plaintext_size(h.chunk_count() - 1),
                                cs)


class PayloadTest(unittest.TestCase):
    """FORMAT §8: the part grammar and its rules."""

    BUNDLE = hv.pb_field(2, hv.pb_field(2, b"Child"))

    def bad(self, payload, why=None):
        with self.assertRaises(hv.EnvelopeError) as cm:
            hv.decode_payload(payload)
        self.assertEqual(cm.exception.failure, "malformed_payload")

    def test_round_trip(self):
        p = hv.encode_payload(self.BUNDLE, [(b"a.pdf", b"application/pdf",
                                            b"%PDF"), (b"b", b"x/y", b"")])
        parts = hv.decode_payload(p)
        self.assertEqual([x.name for x in parts], [b"", b"a.pdf", b"b"])
        self.assertEqual(parts[1].data, b"%PDF")

    def test_rules(self):
        B = hv.encode_part_header(1, b"", b"application/x-protobuf", 2) + \
            b"\0\0"

        def att(name, media=b"x/y", data=b"z", kind=2):
            return hv.encode_part_header(kind, name, media, len(data)) + data

        self.bad(b"")  # no bundle
        self.bad(att(b"a"))  # attachment before bundle
        self.bad(B + B)  # two bundles
        self.bad(hv.encode_part_header(1, b"x", b"application/x-protobuf", 0))
        self.bad(hv.encode_part_header(1, b"", b"application/protobuf", 0))
        self.bad(hv.encode_part_header(1, b"", b"application/x-protobuf",
                                       16 * 2**20 + 1))
        self.bad(B + att(b"a") + att(b"a"))  # duplicate names
        self.bad(B + att(b"a", kind=3))  # unknown kind
        self.bad(B + att(b"a", media=b""))
        self.bad(B + att(b"a", media=b"x/\x7f"))
        self.bad(B[:-1])  # ends inside the bundle data
        self.bad(B + att(b"a")[:5])  # ends inside a part header
        self.bad(B + b"\x02\x01\x00")  # name longer than 255
        for name in (b".", b"..", b".hidden", b"a/b", b"a\\b", b"a\0b",
                     b"trail.", b"trail ", b"\x1b[31m", b"a\xc2\x85b",
                     b"gpj\xe2\x80\xaeexe", b"\xff", b"\xc0\xaf",
                     b"\xed\xa0\x80", b"x" * 256):
            with self.subTest(name=name):
                self.assertIsNotNone(hv.validate_attachment_name(name))
        for name in (b"photo.jpg", b"care plan (2024).pdf",
                     "Zoë's letter.txt".encode(), b"x" * 255):
            self.assertIsNone(hv.validate_attachment_name(name))
        many = B + b"".join(att(b"f%d" % i, data=b"") for i in range(1024))
        self.assertEqual(len(hv.decode_payload(many)), 1025)
        self.bad(many + att(b"one-more", data=b""))

    def test_attachment_list(self):
        entry = hv.pb_field(1, b"a.pdf") + hv.pb_field(4, 4)
        bundle = self.BUNDLE + hv.pb_field(12, entry)
        good = hv.encode_payload(bundle, [(b"a.pdf", b"x/y", b"1234")])
        hv.check_attachment_list(hv.decode_payload(good))
        for atts in ([], [(b"a.pdf", b"x/y", b"123")],
                     [(b"b.pdf", b"x/y", b"1234")],
                     [(b"a.pdf", b"x/y", b"1234"), (b"c", b"x/y", b"")]):
            with self.subTest(atts=atts):
                with self.assertRaises(hv.EnvelopeError):
                    hv.check_attachment_list(hv.decode_payload(
                        hv.encode_payload(bundle, atts)))


# ---------------------------------------------------------------------------

class CliInteropTest(unittest.TestCase):
    """(2) Python and the C++ `handover` CLI, in both directions."""

    @classmethod
    def setUpClass(cls):
        if not CLI or not os.access(CLI, os.X_OK):
            if REQUIRE_CLI:
                raise AssertionError(f"handover CLI not found at {CLI!r}")
            raise unittest.SkipTest("no C++ handover CLI given (--cli)")
        cls.tmp = tempfile.mkdtemp(prefix="handover-interop-")
        cls.keys = os.path.join(cls.tmp, "keys")
        # The sender's and one recipient's keys come from the C++ CLI, the
        # other recipient's from Python: key files cross both ways too.
        cls.run_cli("keygen", "--agency", "stockport-cs", "--out",
                    os.path.join(cls.keys, "stockport-cs"))
        cls.run_cli("keygen", "--agency", "birmingham-cs", "--out",
                    os.path.join(cls.keys, "birmingham-cs"))
        hv.write_key_directory(os.path.join(cls.keys, "west-midlands-police"),
                               hv.generate_key(b"west-midlands-police"))
        cls.bundle_bytes = None

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def run_cli(cls, *args, check=True):
        r = subprocess.run([CLI, *args], capture_output=True, text=True,
                           stdin=subprocess.DEVNULL, timeout=120)
        if check and r.returncode != 0:
            raise AssertionError(f"handover {' '.join(args)} failed "
                                 f"({r.returncode}): {r.stderr}")
        return r

    def key(self, agency, which):
        return os.path.join(self.keys, agency, which)

    def pub(self, agency):
        return hv.load_public_key(self.key(agency, "public.key"))

    def sec(self, agency):
        return hv.load_secret_key(self.key(agency, "secret.key"))

    def example_bundle(self):
        path = os.path.join(SOURCE_DIR, "docs", "examples",
                            "child-bundle.json")
        if os.path.exists(path):
            return path
        path = os.path.join(self.tmp, "minimal-bundle.json")
        with open(path, "w") as f:
            json.dump({"metadata": {"schema_version": 1},
                       "identity": {"family_name": "Interop"}}, f)
        return path

    def test_a_cpp_seals_python_opens(self):
        """(2a) The CLI seals a bundle with attachments; Python opens it."""
        d = os.path.join(self.tmp, "2a")
        os.makedirs(d)
        # The example bundle, plus an entry for one more attachment whose
        # name has a space: the CLI completes sizes and media types.
        with open(self.example_bundle()) as f:
            doc = json.load(f)
        doc.setdefault("attachments", []).append(
            {"name": "extra notes.txt", "label": "notes"})
        bundle_json = os.path.join(d, "bundle.json")
        with open(bundle_json, "w") as f:
            json.dump(doc, f)
        files = {}
        for i, entry in enumerate(doc["attachments"]):
            name = entry["name"]
            files[name] = os.urandom(150000 + 77777 * i)
            write(os.path.join(d, name), files[name])
        env = os.path.join(d, "transfer.hov")
        self.run_cli("seal", "--key", self.key("stockport-cs", ""),
                     "--to", self.key("birmingham-cs", "public.key"),
                     self.key("west-midlands-police", "public.key"),
                     "--in", bundle_json,
                     *[x for n in files
                       for x in ("--attach", os.path.join(d, n))],
                     "--out", env)
        now = int(time.time())
        sender = self.pub("stockport-cs")
        for agency in ("birmingham-cs", "west-midlands-police"):
            with self.subTest(agency=agency):
                h, parts = hv.open_case_file(read(env), self.sec(agency),
                                             sender, now)
                self.assertEqual([r.agency_id for r in h.recipients],
                                 [b"birmingham-cs", b"west-midlands-police"])
                self.assertEqual(parts[0].kind, hv.PART_BUNDLE)
                got = {p.name.decode(): p.data for p in parts[1:]}
                self.assertEqual(list(got), list(files))
                for name, data in files.items():
                    self.assertEqual(got[name], data, name)
        type(self).bundle_bytes = parts[0].data
        type(self).bundle_listing = [(p.name, p.media_type, len(p.data))
                                     for p in parts[1:]]
        # The CLI's inspect agrees with the header Python parsed.
        r = self.run_cli("inspect", "--format", "json", env)
        info = json.loads(r.stdout)
        self.assertEqual(info["transfer_id"], h.transfer_id.hex())

    def cpp_open(self, env, agency, name):
        out = os.path.join(self.tmp, name)
        r = self.run_cli("open", "--key", self.key(agency, "secret.key"),
                         "--sender", self.key("stockport-cs", "public.key"),
                         "--in", env, "--out", out, check=False)
        return r, out

    @staticmethod
    def minimal_bundle(name, media, size):
        """A CaseBundle encoded by hand: metadata.schema_version = 1,
        identity.family_name = "Interop", one attachments entry."""
        entry = hv.pb_field(1, name) + hv.pb_field(3, media) + \
            hv.pb_field(4, size)
        return hv.pb_field(1, hv.pb_field(1, 1)) + \
            hv.pb_field(2, hv.pb_field(2, b"Interop")) + hv.pb_field(12, entry)

    def test_b_python_seals_cpp_opens_minimal_bundle(self):
        """(2b) Python builds a CaseBundle by hand and a payload, seals it
        with small chunks; the CLI opens it and writes the attachment."""
        name, media = b"scan 1.pdf", b"application/pdf"
        # One payload whose length is an exact multiple of the chunk size,
        # so the final chunk is empty, and one that is not.
        base = len(hv.encode_payload(self.minimal_bundle(name, media, 5000),
                                     [(name, media, b"")]))
        for size in (4000, 6 * 1024 - base):
            attachment = os.urandom(size)
            payload = hv.encode_payload(self.minimal_bundle(name, media, size),
                                        [(name, media, attachment)])
            env = os.path.join(self.tmp, f"2b-{size}.hov")
            write(env, hv.seal_bytes(
                self.sec("stockport-cs"),
                [self.pub("birmingham-cs"), self.pub("west-midlands-police")],
                payload, int(time.time()), chunk_size=1024))
            for agency in ("birmingham-cs", "west-midlands-police"):
                with self.subTest(agency=agency, payload=len(payload)):
                    r, out = self.cpp_open(env, agency, f"2b-{size}-{agency}")
                    self.assertEqual(r.returncode, 0, r.stderr)
                    self.assertEqual(read(os.path.join(
                        out, "attachments", name.decode())), attachment)
                    ident = json.loads(read(os.path.join(
                        out, "bundle.json")))["identity"]
                    self.assertEqual(ident.get("familyName",
                                               ident.get("family_name")),
                                     "Interop")
        self.assertEqual(len(payload) % 1024, 0)

    def test_b_cpp_enforces_payload_rules(self):
        """(2b) Python seals payloads that break FORMAT §8 rules; the CLI
        refuses each and leaves no output directory."""
        name, media = b"a.pdf", b"application/pdf"
        bundle = self.minimal_bundle(name, media, 3)
        cases = {
            "size differs from the list": hv.encode_payload(
                bundle, [(name, media, b"abcd")]),
            "unlisted attachment": hv.encode_payload(
                bundle, [(name, media, b"abc"), (b"b.pdf", media, b"")]),
            "attachment before bundle":
                hv.encode_part_header(2, name, media, 3) + b"abc",
            "unsafe name": hv.encode_payload(
                self.minimal_bundle(b"../x", media, 3),
                [(b"../x", media, b"abc")]),
            "ends inside a part": hv.encode_payload(
                bundle, [(name, media, b"abc")])[:-1],
        }
        for why, payload in cases.items():
            with self.subTest(why):
                env = os.path.join(self.tmp, "bad-payload.hov")
                write(env, hv.seal_bytes(
                    self.sec("stockport-cs"), [self.pub("birmingham-cs")],
                    payload, int(time.time())))
                r, out = self.cpp_open(env, "birmingham-cs", "bad-payload")
                self.assertNotEqual(r.returncode, 0, why)
                self.assertIn("payload", r.stderr)
                self.assertFalse(os.path.exists(out))

    def test_c_python_seals_cpp_opens_extracted_bundle(self):
        """(2b) Python reseals the bundle bytes the CLI produced in (2a),
        with new attachment contents of the listed sizes, through the CLI
        seal command's own subprocess (handover_v1.py seal)."""
        if self.bundle_bytes is None:
            self.skipTest("needs test_a")
        d = os.path.join(self.tmp, "2c")
        os.makedirs(d)
        atts = [(n, m, os.urandom(size)) for n, m, size in self.bundle_listing]
        write(os.path.join(d, "payload.bin"),
              hv.encode_payload(self.bundle_bytes, atts))
        env = os.path.join(d, "transfer.hov")
        sender_key = os.path.join(d, "sender.secret.key")
        write(sender_key, read(self.key("stockport-cs", "secret.key")), 0o600)
        r = subprocess.run(
            [sys.executable, PY_TOOL, "seal", "--secret-key", sender_key,
             "--to", self.key("birmingham-cs", "public.key"),
             "--in", os.path.join(d, "payload.bin"), "--out", env,
             "--chunk-size", "4096"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        r, out = self.cpp_open(env, "birmingham-cs", "2c-out")
        self.assertEqual(r.returncode, 0, r.stderr)
        for name, _, data in atts:
            self.assertEqual(read(os.path.join(out, "attachments",
                                               name.decode())), data)
        # The C++ side refuses the same file once tampered with, and writes
        # nothing.
        e = bytearray(read(env))
        e[100] ^= 0x01
        write(env + ".bad", bytes(e))
        r, out = self.cpp_open(env + ".bad", "birmingham-cs", "2c-bad")
        self.assertNotEqual(r.returncode, 0)
        self.assertFalse(os.path.exists(out) and os.listdir(out))
        # And a Python envelope not addressed to the opener.
        r, out = self.cpp_open(env, "west-midlands-police", "2c-notme")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("not a recipient", r.stderr)


# ---------------------------------------------------------------------------

def main():
    global SOURCE_DIR, CLI, REQUIRE_CLI
    ap = argparse.ArgumentParser(add_help=False)
    ap.add_argument("--source-dir",
                    default=os.path.normpath(os.path.join(HERE, "..", "..")))
    ap.add_argument("--cli", default=os.environ.get("HANDOVER_CLI"))
    ap.add_argument("--require-cli", action="store_true")
    args, rest = ap.parse_known_args()
    SOURCE_DIR, CLI, REQUIRE_CLI = args.source_dir, args.cli, args.require_cli
    program = unittest.main(argv=[sys.argv[0], "-v", *rest], exit=False)
    return 0 if program.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
