#!/usr/bin/python3
"""An independent implementation of Handover envelope format v1.

Written from docs/FORMAT.md, not from the C++ sources, to prove that the
specification is sufficient. It uses only the Python standard library and
the low-level libsodium functions of PyNaCl (nacl.bindings).

Section numbers in comments ("FORMAT §5.3") refer to docs/FORMAT.md.

Command line:

  handover_v1.py keygen --agency ID --out DIR
  handover_v1.py seal --secret-key F --to PUB... --in PLAINTEXT --out ENV
                      [--chunk-size N] [--created UNIX] [--ttl SECONDS]
                      [--content-type CT] [--transfer-id HEX]
  handover_v1.py open --secret-key F --sender-pub F --in ENV --now UNIX
                      [--out FILE]
  handover_v1.py payload-encode --bundle FILE [--attach NAME=FILE[@MEDIA]]...
                      --out FILE
  handover_v1.py payload-decode --in FILE --out-dir DIR

Exit status: 0 success, 1 failure (the failure name is printed on stderr as
"failure: NAME: detail"), 2 usage error.
"""

import argparse
import os
import stat
import struct
import sys
import time
from dataclasses import dataclass, field
from typing import BinaryIO, Callable, List, Optional

import nacl.bindings as sodium
import nacl.exceptions

# --------------------------------------------------------------------------
# Constants (FORMAT §2, §3, §9)

MAGIC = b"HANDOVER"
FORMAT_VERSION = 1
SUITE_V1 = 1
PREFIX_BYTES = 13
MAX_HEADER_BYTES = 65536
MAX_RECIPIENTS = 64
MAX_CONTENT_TYPE_BYTES = 128
MIN_CHUNK_SIZE = 1024
MAX_CHUNK_SIZE = 4 * 1024 * 1024
DEFAULT_CHUNK_SIZE = 65536
MAX_CHUNKS = 2**32 - 1
MAX_CLOCK_SKEW = 600
DEFAULT_TTL = 5 * 24 * 3600

TRANSFER_ID_BYTES = 16
KEY_ID_BYTES = 16
CONTENT_KEY_BYTES = 32
COMMITMENT_BYTES = 32
HASH_BYTES = 32
SIGNATURE_BYTES = 64
WRAPPED_KEY_BYTES = 80
STREAM_HEADER_BYTES = 24
FRAME_INDEX_BYTES = 4
CHUNK_OVERHEAD = 17

CTX_SIGNATURE = b"handover/v1/envelope-signature\x00"
CTX_COMMITMENT = b"handover/v1/key-commitment"
CTX_CIPHERTEXT = b"handover/v1/ciphertext"
CTX_KEY_ID = b"handover/v1/key-id"
CTX_KEY_FILE = b"handover/v1/key-file"

CASE_BUNDLE_CONTENT_TYPE = "application/vnd.handover.case-bundle.v1"

TAG_MESSAGE = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
TAG_FINAL = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL

PUBLIC_KEY_MAGIC = b"HANDOVPK"
SECRET_KEY_MAGIC = b"HANDOVSK"
KEY_FILE_VERSION = 1
KEY_CHECK_BYTES = 16
MAX_KEY_FILE_BYTES = 4096

PART_BUNDLE = 1
PART_ATTACHMENT = 2
BUNDLE_MEDIA_TYPE = b"application/x-protobuf"
MAX_BUNDLE_BYTES = 16 * 1024 * 1024
MAX_ATTACHMENTS = 1024
MAX_PART_NAME_BYTES = 255

FAILURES = (
    "not_an_envelope", "unknown_version", "malformed_header",
    "header_too_large", "wrong_sender_key", "bad_signature",
    "not_a_recipient", "expired", "not_yet_valid", "bad_wrapped_key",
    "key_commitment_mismatch", "truncated", "chunk_out_of_order",
    "chunk_auth_failed", "bad_stream_tag", "trailing_data",
    "ciphertext_hash_mismatch", "malformed_payload",
)


class EnvelopeError(Exception):
    """An envelope or payload was rejected; `failure` is its §7.1 name."""

    def __init__(self, failure: str, detail: str):
        assert failure in FAILURES, failure
        super().__init__(f"{failure}: {detail}")
        self.failure = failure
        self.detail = detail


class KeyFileError(Exception):
    """A key file is missing, corrupt, or unsafely stored."""


# --------------------------------------------------------------------------
# Primitives (FORMAT §3)

def blake2b(data: bytes, size: int, key: bytes = b"") -> bytes:
    return sodium.crypto_generichash_blake2b_salt_personal(
        data, digest_size=size, key=key)


def key_id(public_key: bytes) -> bytes:
    """FORMAT §4: BLAKE2b-128("handover/v1/key-id" || public_key)."""
    return blake2b(CTX_KEY_ID + public_key, KEY_ID_BYTES)


def key_commitment(content_key: bytes, transfer_id: bytes) -> bytes:
    """FORMAT §5.6: BLAKE2b-256, keyed by the content key."""
    return blake2b(CTX_COMMITMENT + transfer_id, COMMITMENT_BYTES,
                   key=content_key)


def sign_detached(message: bytes, sign_sk: bytes) -> bytes:
    # crypto_sign's combined output is signature || message.
    return sodium.crypto_sign(message, sign_sk)[:SIGNATURE_BYTES]


def verify_detached(signature: bytes, message: bytes, sign_pk: bytes) -> bool:
    if len(signature) != SIGNATURE_BYTES:
        return False
    try:
        sodium.crypto_sign_open(signature + message, sign_pk)
        return True
    except nacl.exceptions.BadSignatureError:
        return False


def validate_agency_id(agency_id: bytes) -> Optional[str]:
    """FORMAT §4.1. Returns None if valid, else the reason."""
    if not 1 <= len(agency_id) <= 64:
        return "agency id must be 1 to 64 bytes"
    for i, c in enumerate(agency_id):
        alnum = 0x61 <= c <= 0x7A or 0x30 <= c <= 0x39
        if not alnum and (i == 0 or c not in (0x2D, 0x2E)):
            return f"bad agency id byte at position {i}"
    return None


# --------------------------------------------------------------------------
# Key files (FORMAT §10)

@dataclass
class PublicKey:
    agency_id: bytes
    sign_pk: bytes
    box_pk: bytes

    @property
    def sign_key_id(self) -> bytes:
        return key_id(self.sign_pk)

    @property
    def box_key_id(self) -> bytes:
        return key_id(self.box_pk)


@dataclass
class SecretKey:
    agency_id: bytes
    sign_sk: bytes  # seed || public key, 64 bytes
    box_sk: bytes

    @property
    def public(self) -> PublicKey:
        return PublicKey(self.agency_id, self.sign_sk[32:],
                         sodium.crypto_scalarmult_base(self.box_sk))


def _key_file_body(data: bytes, magic: bytes, kind: str) -> bytes:
    if len(data) < len(magic) + 1 + KEY_CHECK_BYTES or \
            data[:len(magic)] != magic:
        raise KeyFileError(f"not a Handover {kind} key file")
    if data[len(magic)] != KEY_FILE_VERSION:
        raise KeyFileError(f"unsupported {kind} key file version "
                           f"{data[len(magic)]}")
    body, check = data[:-KEY_CHECK_BYTES], data[-KEY_CHECK_BYTES:]
    if not sodium.sodium_memcmp(blake2b(CTX_KEY_FILE + body,
                                        KEY_CHECK_BYTES), check):
        raise KeyFileError(f"{kind} key file is corrupt (checksum mismatch)")
    return body[len(magic) + 1:]


def _take_str8(body: bytes, what: str) -> (bytes, bytes):
    if not body or len(body) < 1 + body[0]:
        raise KeyFileError(f"key file is truncated at {what}")
    return body[1:1 + body[0]], body[1 + body[0]:]


def parse_public_key_file(data: bytes) -> PublicKey:
    body = _key_file_body(data, PUBLIC_KEY_MAGIC, "public")
    agency, rest = _take_str8(body, "agency id")
    if len(rest) != 64:
        raise KeyFileError("public key file has the wrong length")
    if (why := validate_agency_id(agency)) is not None:
        raise KeyFileError(why)
    return PublicKey(agency, rest[:32], rest[32:])


def parse_secret_key_file(data: bytes) -> SecretKey:
    body = _key_file_body(data, SECRET_KEY_MAGIC, "secret")
    agency, rest = _take_str8(body, "agency id")
    if len(rest) != 96:
        raise KeyFileError("secret key file has the wrong length")
    if (why := validate_agency_id(agency)) is not None:
        raise KeyFileError(why)
    sign_sk, box_sk = rest[:64], rest[64:]
    derived_pk, _ = sodium.crypto_sign_seed_keypair(sign_sk[:32])
    if not sodium.sodium_memcmp(derived_pk, sign_sk[32:]):
        raise KeyFileError(
            "signing secret key is inconsistent with its public half")
    return SecretKey(agency, sign_sk, box_sk)


def _checked(body: bytes) -> bytes:
    return body + blake2b(CTX_KEY_FILE + body, KEY_CHECK_BYTES)


def encode_public_key_file(pub: PublicKey) -> bytes:
    return _checked(PUBLIC_KEY_MAGIC + bytes([KEY_FILE_VERSION,
                                              len(pub.agency_id)])
                    + pub.agency_id + pub.sign_pk + pub.box_pk)


def encode_secret_key_file(sec: SecretKey) -> bytes:
    return _checked(SECRET_KEY_MAGIC + bytes([KEY_FILE_VERSION,
                                              len(sec.agency_id)])
                    + sec.agency_id + sec.sign_sk + sec.box_sk)


def _read_key_file(path: str, name: str) -> (str, bytes):
    if os.path.isdir(path):
        path = os.path.join(path, name)
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size > MAX_KEY_FILE_BYTES:
            raise KeyFileError(f"{path} is {size} bytes; the limit is "
                               f"{MAX_KEY_FILE_BYTES}")
        return path, f.read()


def load_public_key(path: str) -> PublicKey:
    path, data = _read_key_file(path, "public.key")
    try:
        return parse_public_key_file(data)
    except KeyFileError as e:
        raise KeyFileError(f"{path}: {e}") from None


def check_secret_file_mode(path: str) -> None:
    """FORMAT §10.3: a regular file, no group/other access, ours."""
    st = os.lstat(path)
    if not stat.S_ISREG(st.st_mode):
        raise KeyFileError(f"{path} is not a regular file")
    if st.st_mode & 0o077:
        raise KeyFileError(f"{path} has mode {st.st_mode & 0o7777:04o}; "
                           "secret key files must be 0600")
    if st.st_uid != os.geteuid():
        raise KeyFileError(f"{path} is owned by another user")


def load_secret_key(path: str) -> SecretKey:
    if os.path.isdir(path):
        path = os.path.join(path, "secret.key")
    check_secret_file_mode(path)
    path, data = _read_key_file(path, "secret.key")
    try:
        return parse_secret_key_file(data)
    except KeyFileError as e:
        raise KeyFileError(f"{path}: {e}") from None


def generate_key(agency_id: bytes) -> SecretKey:
    if (why := validate_agency_id(agency_id)) is not None:
        raise ValueError(why)
    _, sign_sk = sodium.crypto_sign_keypair()
    _, box_sk = sodium.crypto_box_keypair()
    return SecretKey(agency_id, sign_sk, box_sk)


def write_key_directory(directory: str, sec: SecretKey) -> None:
    os.makedirs(directory, mode=0o700, exist_ok=True)
    secret_path = os.path.join(directory, "secret.key")
    fd = os.open(secret_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(encode_secret_key_file(sec))
    with open(os.path.join(directory, "public.key"), "wb") as f:
        f.write(encode_public_key_file(sec.public))


# --------------------------------------------------------------------------
# Header (FORMAT §5)

@dataclass
class Recipient:
    agency_id: bytes
    box_key_id: bytes


@dataclass
class Header:
    transfer_id: bytes
    sender_id: bytes
    sender_key_id: bytes
    created_at: int
    expires_at: int
    content_type: bytes
    chunk_size: int
    plaintext_size: int
    key_commitment: bytes
    ciphertext_hash: bytes
    recipients: List[Recipient] = field(default_factory=list)
    suite: int = SUITE_V1

    def chunk_count(self) -> int:
        return self.plaintext_size // self.chunk_size + 1

    def chunk_plaintext_size(self, index: int) -> int:
        if index + 1 < self.chunk_count():
            return self.chunk_size
        return self.plaintext_size % self.chunk_size


def _malformed(detail: str) -> EnvelopeError:
    return EnvelopeError("malformed_header", detail)


def check_header_semantics(h: Header) -> None:
    """FORMAT §5.3: the value rules. All failures are malformed_header."""
    if h.suite != SUITE_V1:
        raise _malformed(f"unknown suite {h.suite}")
    if (why := validate_agency_id(h.sender_id)) is not None:
        raise _malformed("sender id: " + why)
    if h.expires_at <= h.created_at:
        raise _malformed("expires_at must be after created_at")
    if not 1 <= len(h.content_type) <= MAX_CONTENT_TYPE_BYTES or \
            any(c < 0x21 or c > 0x7E for c in h.content_type):
        raise _malformed("bad content type")
    if not MIN_CHUNK_SIZE <= h.chunk_size <= MAX_CHUNK_SIZE:
        raise _malformed(f"chunk size {h.chunk_size} out of range")
    if h.plaintext_size // h.chunk_size >= MAX_CHUNKS:
        raise _malformed("too many chunks")
    if not 1 <= len(h.recipients) <= MAX_RECIPIENTS:
        raise _malformed("there must be 1 to 64 recipients")
    seen = set()
    for r in h.recipients:
        if (why := validate_agency_id(r.agency_id)) is not None:
            raise _malformed("recipient id: " + why)
        if r.agency_id in seen:
            raise _malformed("a recipient is listed twice")
        seen.add(r.agency_id)


def serialize_header(h: Header) -> bytes:
    """Returns prefix || header: exactly the bytes the signature covers."""
    check_header_semantics(h)
    assert len(h.transfer_id) == TRANSFER_ID_BYTES
    assert len(h.sender_key_id) == KEY_ID_BYTES
    assert len(h.key_commitment) == COMMITMENT_BYTES
    assert len(h.ciphertext_hash) == HASH_BYTES
    body = bytearray()
    body += bytes([h.suite]) + h.transfer_id
    body += bytes([len(h.sender_id)]) + h.sender_id + h.sender_key_id
    body += struct.pack(">qq", h.created_at, h.expires_at)
    body += bytes([len(h.content_type)]) + h.content_type
    body += struct.pack(">IQ", h.chunk_size, h.plaintext_size)
    body += h.key_commitment + h.ciphertext_hash
    body += bytes([len(h.recipients)])
    for r in h.recipients:
        assert len(r.box_key_id) == KEY_ID_BYTES
        body += bytes([len(r.agency_id)]) + r.agency_id + r.box_key_id
    return MAGIC + bytes([FORMAT_VERSION]) + struct.pack(">I", len(body)) + \
        bytes(body)


def parse_prefix(prefix: bytes) -> int:
    """FORMAT §7 steps 1-4. Returns header_length."""
    if len(prefix) < len(MAGIC) or prefix[:len(MAGIC)] != MAGIC:
        raise EnvelopeError("not_an_envelope", "bad magic")
    if len(prefix) < PREFIX_BYTES:
        raise EnvelopeError("truncated", "envelope ends inside its prefix")
    if prefix[8] != FORMAT_VERSION:
        raise EnvelopeError("unknown_version", f"version {prefix[8]}")
    (length,) = struct.unpack(">I", prefix[9:13])
    if length > MAX_HEADER_BYTES:
        raise EnvelopeError("header_too_large", f"header of {length} bytes")
    return length


class _Reader:
    """Strict reader over the header bytes: running out is malformed."""

    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def take(self, n: int, what: str) -> bytes:
        if len(self.data) - self.pos < n:
            raise _malformed(f"header ends inside {what}")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def u8(self, what):
        return self.take(1, what)[0]

    def str8(self, what):
        return self.take(self.u8(what), what)


def parse_header(header: bytes) -> Header:
    """FORMAT §7 step 6: the header grammar, then the value rules."""
    r = _Reader(header)
    suite = r.u8("suite")
    transfer_id = r.take(16, "transfer_id")
    sender_id = r.str8("sender_id")
    sender_key_id = r.take(16, "sender_key_id")
    created_at, expires_at = struct.unpack(">qq", r.take(16, "times"))
    content_type = r.str8("content_type")
    chunk_size, plaintext_size = struct.unpack(">IQ", r.take(12, "sizes"))
    commitment = r.take(32, "key_commitment")
    chash = r.take(32, "ciphertext_hash")
    count = r.u8("recipient_count")
    recipients = []
    for _ in range(count):
        rid = r.str8("recipient_id")
        recipients.append(Recipient(rid, r.take(16, "recipient_key_id")))
    if r.pos != len(header):
        raise _malformed("trailing bytes after recipients")
    h = Header(transfer_id, sender_id, sender_key_id, created_at, expires_at,
               content_type, chunk_size, plaintext_size, commitment, chash,
               recipients, suite)
    check_header_semantics(h)
    return h


def _read_exactly(src: BinaryIO, n: int) -> bytes:
    out = bytearray()
    while len(out) < n:
        got = src.read(n - len(out))
        if not got:
            break
        out += got
    return bytes(out)


@dataclass
class Head:
    signed: bytes  # prefix || header
    header: Header
    signature: bytes
    wrapped_keys: List[bytes]


def read_head(src: BinaryIO) -> Head:
    """FORMAT §7 steps 1-8: everything before the ciphertext, no keys."""
    prefix = _read_exactly(src, PREFIX_BYTES)
    length = parse_prefix(prefix)
    header_bytes = _read_exactly(src, length)
    if len(header_bytes) != length:
        raise EnvelopeError("truncated", "envelope ends inside its header")
    header = parse_header(header_bytes)
    signature = _read_exactly(src, SIGNATURE_BYTES)
    if len(signature) != SIGNATURE_BYTES:
        raise EnvelopeError("truncated", "envelope ends inside its signature")
    wrapped = []
    for _ in header.recipients:
        w = _read_exactly(src, WRAPPED_KEY_BYTES)
        if len(w) != WRAPPED_KEY_BYTES:
            raise EnvelopeError("truncated", "envelope ends in wrapped keys")
        wrapped.append(w)
    return Head(prefix + header_bytes, header, signature, wrapped)


# --------------------------------------------------------------------------
# Opening (FORMAT §7)

def open_envelope(src: BinaryIO, me: SecretKey, sender: PublicKey, now: int,
                  sink: Callable[[bytes], None],
                  max_clock_skew: int = MAX_CLOCK_SKEW) -> Header:
    """Verifies and decrypts, passing each chunk's plaintext to `sink`.

    Plaintext passed to `sink` is untrusted until this returns: a caller
    must stage it and discard it if an EnvelopeError is raised.
    """
    head = read_head(src)
    h = head.header

    # Steps 9-10: the sender.
    if h.sender_id != sender.agency_id or \
            not sodium.sodium_memcmp(h.sender_key_id, sender.sign_key_id):
        raise EnvelopeError("wrong_sender_key",
                            "header names another sender or key")
    if not verify_detached(head.signature, CTX_SIGNATURE + head.signed,
                           sender.sign_pk):
        raise EnvelopeError("bad_signature", "signature does not verify")

    # Step 11: our slot.
    mine = me.public
    slot = None
    for i, r in enumerate(h.recipients):
        if r.agency_id == me.agency_id and \
                sodium.sodium_memcmp(r.box_key_id, mine.box_key_id):
            slot = i
    if slot is None:
        raise EnvelopeError("not_a_recipient", "not listed with this key")

    # Steps 12-13: validity window.
    if now >= h.expires_at:
        raise EnvelopeError("expired", f"expired at {h.expires_at}")
    if h.created_at > now + max_clock_skew:
        raise EnvelopeError("not_yet_valid", f"created at {h.created_at}")

    # Steps 14-15: the content key.
    try:
        content_key = sodium.crypto_box_seal_open(head.wrapped_keys[slot],
                                                  mine.box_pk, me.box_sk)
    except nacl.exceptions.CryptoError:
        raise EnvelopeError("bad_wrapped_key", "wrapped key does not open")
    if len(content_key) != CONTENT_KEY_BYTES or not sodium.sodium_memcmp(
            key_commitment(content_key, h.transfer_id), h.key_commitment):
        raise EnvelopeError("key_commitment_mismatch",
                            "content key is not the committed one")

    # Step 16: the stream header.
    stream_header = _read_exactly(src, STREAM_HEADER_BYTES)
    if len(stream_header) != STREAM_HEADER_BYTES:
        raise EnvelopeError("truncated", "envelope ends in stream header")
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    sodium.crypto_secretstream_xchacha20poly1305_init_pull(
        state, stream_header, content_key)
    chash = sodium.crypto_generichash_blake2b_init(digest_size=HASH_BYTES)
    sodium.crypto_generichash_blake2b_update(chash, CTX_CIPHERTEXT)
    sodium.crypto_generichash_blake2b_update(chash, stream_header)

    # Step 17: the frames.
    n = h.chunk_count()
    for index in range(n):
        last = index + 1 == n
        plain_len = h.chunk_plaintext_size(index)
        frame_len = FRAME_INDEX_BYTES + plain_len + CHUNK_OVERHEAD
        frame = _read_exactly(src, frame_len)
        if len(frame) < FRAME_INDEX_BYTES:
            raise EnvelopeError("truncated", f"stream ends before chunk "
                                f"{index} of {n}")
        (found,) = struct.unpack(">I", frame[:4])
        if found != index:
            raise EnvelopeError("chunk_out_of_order",
                                f"chunk {found} where {index} belongs")
        if len(frame) != frame_len:
            raise EnvelopeError("truncated", f"envelope ends in chunk {index}")
        sodium.crypto_generichash_blake2b_update(chash, frame)
        try:
            plain, tag = sodium.crypto_secretstream_xchacha20poly1305_pull(
                state, frame[FRAME_INDEX_BYTES:])
        except nacl.exceptions.RuntimeError:
            raise EnvelopeError("chunk_auth_failed",
                                f"chunk {index} fails authentication")
        if (tag == TAG_FINAL) != last:
            raise EnvelopeError("bad_stream_tag",
                                "final tag missing or early")
        sink(plain)

    # Steps 18-19: the signed hash, then nothing more.
    digest = sodium.crypto_generichash_blake2b_final(chash)
    if not sodium.sodium_memcmp(digest, h.ciphertext_hash):
        raise EnvelopeError("ciphertext_hash_mismatch",
                            "ciphertext differs from the signed one")
    if src.read(1):
        raise EnvelopeError("trailing_data", "data follows the final chunk")
    return h


def open_bytes(envelope: bytes, me: SecretKey, sender: PublicKey,
               now: int) -> (Header, bytes):
    import io
    out = bytearray()
    h = open_envelope(io.BytesIO(envelope), me, sender, now, out.extend)
    return h, bytes(out)


# --------------------------------------------------------------------------
# Sealing (FORMAT §6)

def head_length(h: Header) -> int:
    """Bytes before the ciphertext: prefix, header, signature, wrapped keys."""
    header_len = 128 + len(h.sender_id) + len(h.content_type) + \
        sum(17 + len(r.agency_id) for r in h.recipients)
    return PREFIX_BYTES + header_len + SIGNATURE_BYTES + \
        WRAPPED_KEY_BYTES * len(h.recipients)


class Sealer:
    """Streams an envelope to a seekable binary file.

    `content_key` and `stream_header` exist only so tests can reproduce the
    committed vector; real callers leave them None (fresh randomness).
    """

    def __init__(self, sender: SecretKey, recipients: List[PublicKey],
                 out: BinaryIO, created_at: int, ttl: int = DEFAULT_TTL,
                 chunk_size: int = DEFAULT_CHUNK_SIZE,
                 content_type: bytes = CASE_BUNDLE_CONTENT_TYPE.encode(),
                 transfer_id: Optional[bytes] = None,
                 content_key: Optional[bytes] = None,
                 stream_header: Optional[bytes] = None):
        if ttl <= 0:
            raise ValueError("time to live must be positive")
        self.sender, self.out = sender, out
        self.recipient_box_pks = [r.box_pk for r in recipients]
        self.h = Header(
            transfer_id=transfer_id or os.urandom(TRANSFER_ID_BYTES),
            sender_id=sender.agency_id,
            sender_key_id=sender.public.sign_key_id,
            created_at=created_at, expires_at=created_at + ttl,
            content_type=content_type, chunk_size=chunk_size,
            plaintext_size=0,
            key_commitment=bytes(COMMITMENT_BYTES),
            ciphertext_hash=bytes(HASH_BYTES),
            recipients=[Recipient(r.agency_id, r.box_key_id)
                        for r in recipients])
        serialize_header(self.h)  # step 1: reject bad values before work
        self.content_key = content_key or \
            sodium.crypto_secretstream_xchacha20poly1305_keygen()
        self.h.key_commitment = key_commitment(self.content_key,
                                               self.h.transfer_id)
        self.start = out.tell()
        out.write(bytes(head_length(self.h)))  # reserved, filled at finish
        self.state = sodium.crypto_secretstream_xchacha20poly1305_state()
        if stream_header is None:
            init_push = sodium.crypto_secretstream_xchacha20poly1305_init_push
            stream_header = init_push(self.state, self.content_key)
        else:
            # A pull state from (header, key) equals the push state that
            # init_push would have made had it drawn this header.
            sodium.crypto_secretstream_xchacha20poly1305_init_pull(
                self.state, stream_header, self.content_key)
        self.hash = sodium.crypto_generichash_blake2b_init(
            digest_size=HASH_BYTES)
        sodium.crypto_generichash_blake2b_update(self.hash, CTX_CIPHERTEXT)
        sodium.crypto_generichash_blake2b_update(self.hash, stream_header)
        out.write(stream_header)
        self.buffer = bytearray()
        self.index = 0

    def _emit(self, plain: bytes, final: bool) -> None:
        if self.index >= MAX_CHUNKS:
            raise ValueError("plaintext needs more than 2^32 - 1 chunks")
        c = sodium.crypto_secretstream_xchacha20poly1305_push(
            self.state, bytes(plain), None,
            TAG_FINAL if final else TAG_MESSAGE)
        frame = struct.pack(">I", self.index) + c
        sodium.crypto_generichash_blake2b_update(self.hash, frame)
        self.out.write(frame)
        self.h.plaintext_size += len(plain)
        self.index += 1

    def write(self, data: bytes) -> None:
        self.buffer += data
        cs = self.h.chunk_size
        while len(self.buffer) >= cs:
            # A full chunk is never the final one.
            self._emit(self.buffer[:cs], final=False)
            del self.buffer[:cs]

    def finish(self) -> Header:
        self._emit(self.buffer, final=True)
        self.buffer = bytearray()
        self.h.ciphertext_hash = sodium.crypto_generichash_blake2b_final(
            self.hash)
        signed = serialize_header(self.h)
        head = signed + sign_detached(CTX_SIGNATURE + signed,
                                      self.sender.sign_sk)
        for pk in self.recipient_box_pks:
            head += sodium.crypto_box_seal(self.content_key, pk)
        assert len(head) == head_length(self.h)
        end = self.out.tell()
        self.out.seek(self.start)
        self.out.write(head)
        self.out.seek(end)
        return self.h


def seal_bytes(sender: SecretKey, recipients: List[PublicKey],
               plaintext: bytes, created_at: int, **kwargs) -> bytes:
    import io
    buf = io.BytesIO()
    s = Sealer(sender, recipients, buf, created_at, **kwargs)
    s.write(plaintext)
    s.finish()
    return buf.getvalue()


# --------------------------------------------------------------------------
# Payload (FORMAT §8)

def _decode_utf8_char(name: bytes, pos: int):
    """(code point, length) of a well-formed UTF-8 sequence, or None."""
    b0 = name[pos]
    if b0 < 0x80:
        return b0, 1
    if b0 & 0xE0 == 0xC0:
        n, low, cp = 2, 0x80, b0 & 0x1F
    elif b0 & 0xF0 == 0xE0:
        n, low, cp = 3, 0x800, b0 & 0x0F
    elif b0 & 0xF8 == 0xF0:
        n, low, cp = 4, 0x10000, b0 & 0x07
    else:
        return None
    if len(name) - pos < n:
        return None
    for b in name[pos + 1:pos + n]:
        if b & 0xC0 != 0x80:
            return None
        cp = (cp << 6) | (b & 0x3F)
    if cp < low or cp > 0x10FFFF or 0xD800 <= cp <= 0xDFFF:
        return None
    return cp, n


def validate_attachment_name(name: bytes) -> Optional[str]:
    """FORMAT §8.3. Returns None if safe, else the rule that failed."""
    if not 1 <= len(name) <= 255:
        return "must be 1 to 255 bytes"
    if name in (b".", b".."):
        return "is . or .."
    pos = 0
    while pos < len(name):
        d = _decode_utf8_char(name, pos)
        if d is None:
            return "is not valid UTF-8"
        cp, n = d
        if cp in (0x2F, 0x5C, 0):
            return "contains '/', '\\' or NUL"
        if cp < 0x20 or 0x7F <= cp <= 0x9F:
            return "contains a control character"
        if 0x202A <= cp <= 0x202E or 0x2066 <= cp <= 0x2069:
            return "contains a bidirectional formatting character"
        pos += n
    if name[:1] == b".":
        return "starts with '.'"
    if name[-1:] in (b" ", b"."):
        return "ends with a space or '.'"
    return None


def encode_part_header(kind: int, name: bytes, media_type: bytes,
                       length: int) -> bytes:
    assert len(name) <= MAX_PART_NAME_BYTES and len(media_type) <= 255
    return bytes([kind]) + struct.pack(">H", len(name)) + name + \
        bytes([len(media_type)]) + media_type + struct.pack(">Q", length)


@dataclass
class Part:
    kind: int
    name: bytes
    media_type: bytes
    data: bytes


def _bad_payload(detail: str) -> EnvelopeError:
    return EnvelopeError("malformed_payload", detail)


def decode_payload(payload: bytes) -> List[Part]:
    """Parses and checks the part grammar and rules of FORMAT §8.2."""
    parts: List[Part] = []
    names = set()
    pos = 0
    seen_bundle = False
    while pos < len(payload):
        if len(payload) - pos < 3:
            raise _bad_payload("payload ends inside a part header")
        kind = payload[pos]
        (name_len,) = struct.unpack(">H", payload[pos + 1:pos + 3])
        if name_len > MAX_PART_NAME_BYTES:
            raise _bad_payload("part name is longer than 255 bytes")
        p = pos + 3
        if len(payload) - p < name_len + 1:
            raise _bad_payload("payload ends inside a part header")
        name = payload[p:p + name_len]
        media_len = payload[p + name_len]
        p += name_len + 1
        if len(payload) - p < media_len + 8:
            raise _bad_payload("payload ends inside a part header")
        media = payload[p:p + media_len]
        (length,) = struct.unpack(">Q", payload[p + media_len:
                                                p + media_len + 8])
        p += media_len + 8
        if kind == PART_BUNDLE:
            if seen_bundle:
                raise _bad_payload("more than one bundle part")
            if name:
                raise _bad_payload("the bundle part must have no name")
            if media != BUNDLE_MEDIA_TYPE:
                raise _bad_payload("the bundle part has the wrong media type")
            if length > MAX_BUNDLE_BYTES:
                raise _bad_payload("the bundle part exceeds 16 MiB")
            seen_bundle = True
        elif kind == PART_ATTACHMENT:
            if not seen_bundle:
                raise _bad_payload("an attachment precedes the bundle")
            if (why := validate_attachment_name(name)) is not None:
                raise _bad_payload("attachment name " + why)
            if name in names:
                raise _bad_payload("two attachments share a name")
            names.add(name)
            if len(names) > MAX_ATTACHMENTS:
                raise _bad_payload("more than 1024 attachments")
        else:
            raise _bad_payload(f"unknown part kind {kind}")
        if not media or any(c < 0x20 or c > 0x7E for c in media):
            raise _bad_payload("bad media type")
        if len(payload) - p < length:
            raise _bad_payload("payload ends inside a part")
        parts.append(Part(kind, name, media, payload[p:p + length]))
        pos = p + length
    if not seen_bundle:
        raise _bad_payload("payload has no bundle part")
    return parts


def encode_payload(bundle: bytes, attachments) -> bytes:
    """attachments: iterable of (name, media_type, data)."""
    out = bytearray(encode_part_header(PART_BUNDLE, b"", BUNDLE_MEDIA_TYPE,
                                       len(bundle)) + bundle)
    for name, media, data in attachments:
        out += encode_part_header(PART_ATTACHMENT, name, media, len(data))
        out += data
    return bytes(out)


# --- Just enough protobuf wire format for CaseBundle.attachments (§8.4) ---

def _varint(data: bytes, pos: int) -> (int, int):
    value, shift = 0, 0
    while True:
        if pos >= len(data) or shift > 63:
            raise _bad_payload("bundle is not valid protobuf")
        b = data[pos]
        value |= (b & 0x7F) << shift
        pos += 1
        shift += 7
        if not b & 0x80:
            return value, pos


def _fields(data: bytes):
    """Yields (field number, wire type, value) over one message."""
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wtype = key >> 3, key & 7
        if number == 0:
            raise _bad_payload("bundle is not valid protobuf")
        if wtype == 0:
            value, pos = _varint(data, pos)
        elif wtype == 1:
            value, pos = data[pos:pos + 8], pos + 8
        elif wtype == 5:
            value, pos = data[pos:pos + 4], pos + 4
        elif wtype == 2:
            n, pos = _varint(data, pos)
            value, pos = data[pos:pos + n], pos + n
        else:
            raise _bad_payload("bundle uses an unsupported wire type")
        if pos > len(data):
            raise _bad_payload("bundle is not valid protobuf")
        yield number, wtype, value


def bundle_attachment_list(bundle: bytes):
    """CaseBundle field 12 (Attachment: 1 name, 3 media_type, 4 size)."""
    out = []
    for number, wtype, value in _fields(bundle):
        if number != 12:
            continue
        if wtype != 2:
            raise _bad_payload("CaseBundle.attachments has the wrong type")
        entry = {"name": b"", "media_type": b"", "size_bytes": 0}
        for n, wt, v in _fields(value):
            if n == 1 and wt == 2:
                entry["name"] = v
            elif n == 3 and wt == 2:
                entry["media_type"] = v
            elif n == 4 and wt == 0:
                entry["size_bytes"] = v
        out.append(entry)
    return out


def check_attachment_list(parts: List[Part]) -> None:
    """FORMAT §8.4: the bundle lists exactly the attachment parts."""
    listed = bundle_attachment_list(parts[0].data)
    got = parts[1:]
    if len(listed) != len(got):
        raise _bad_payload("the bundle's attachment list does not match")
    for i, (entry, part) in enumerate(zip(listed, got)):
        if entry["name"] != part.name or entry["size_bytes"] != len(part.data):
            raise _bad_payload(f"attachment {i} differs from the list")


def open_case_file(envelope: bytes, me: SecretKey, sender: PublicKey,
                   now: int) -> (Header, List[Part]):
    """FORMAT §7 and §8: opens an envelope as a case file."""
    h, payload = open_bytes(envelope, me, sender, now)
    if h.content_type != CASE_BUNDLE_CONTENT_TYPE.encode():
        raise _bad_payload("the content type is not a case bundle")
    parts = decode_payload(payload)
    check_attachment_list(parts)
    return h, parts


def pb_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        b = value & 0x7F
        value >>= 7
        out.append(b | (0x80 if value else 0))
        if not value:
            return bytes(out)


def pb_field(number: int, value) -> bytes:
    """A protobuf field: int -> varint, bytes -> length-delimited."""
    if isinstance(value, int):
        return pb_varint(number << 3) + pb_varint(value)
    return pb_varint(number << 3 | 2) + pb_varint(len(value)) + value


# --------------------------------------------------------------------------
# Command line

def _cmd_keygen(a) -> int:
    write_key_directory(a.out, generate_key(a.agency.encode()))
    return 0


def _cmd_seal(a) -> int:
    sender = load_secret_key(a.secret_key)
    recipients = [load_public_key(p) for p in a.to]
    created = a.created if a.created is not None else int(time.time())
    tid = bytes.fromhex(a.transfer_id) if a.transfer_id else None
    tmp = a.out + ".partial"
    with open(a.in_path, "rb") as src, open(tmp, "wb") as out:
        s = Sealer(sender, recipients, out, created, ttl=a.ttl,
                   chunk_size=a.chunk_size,
                   content_type=a.content_type.encode(), transfer_id=tid)
        while block := src.read(1 << 20):
            s.write(block)
        s.finish()
    os.replace(tmp, a.out)
    return 0


def _cmd_open(a) -> int:
    me = load_secret_key(a.secret_key)
    sender = load_public_key(a.sender_pub)
    staged = bytearray()  # nothing is released until every check passes
    with open(a.in_path, "rb") as src:
        open_envelope(src, me, sender, a.now, staged.extend)
    if a.out:
        with open(a.out, "wb") as f:
            f.write(staged)
    else:
        sys.stdout.buffer.write(staged)
    return 0


def _cmd_payload_encode(a) -> int:
    with open(a.bundle, "rb") as f:
        bundle = f.read()
    atts = []
    for spec in a.attach:
        name, _, path = spec.partition("=")
        path, _, media = path.partition("@")
        with open(path, "rb") as f:
            atts.append((name.encode(), (media or
                         "application/octet-stream").encode(), f.read()))
    with open(a.out, "wb") as f:
        f.write(encode_payload(bundle, atts))
    return 0


def _cmd_payload_decode(a) -> int:
    with open(a.in_path, "rb") as f:
        parts = decode_payload(f.read())
    check_attachment_list(parts)
    os.makedirs(os.path.join(a.out_dir, "attachments"), exist_ok=True)
    with open(os.path.join(a.out_dir, "bundle.pb"), "wb") as f:
        f.write(parts[0].data)
    for p in parts[1:]:
        # Names were checked by validate_attachment_name: plain basenames.
        with open(os.path.join(a.out_dir, "attachments",
                               p.name.decode()), "wb") as f:
            f.write(p.data)
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="handover_v1.py",
                                 description="Handover format v1 in Python.")
    sub = ap.add_subparsers(dest="cmd", required=True)
    k = sub.add_parser("keygen")
    k.add_argument("--agency", required=True)
    k.add_argument("--out", required=True)
    s = sub.add_parser("seal")
    s.add_argument("--secret-key", required=True)
    s.add_argument("--to", nargs="+", required=True)
    s.add_argument("--in", dest="in_path", required=True)
    s.add_argument("--out", required=True)
    s.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK_SIZE)
    s.add_argument("--created", type=int)
    s.add_argument("--ttl", type=int, default=DEFAULT_TTL)
    s.add_argument("--content-type", default=CASE_BUNDLE_CONTENT_TYPE)
    s.add_argument("--transfer-id")
    o = sub.add_parser("open")
    o.add_argument("--secret-key", required=True)
    o.add_argument("--sender-pub", required=True)
    o.add_argument("--in", dest="in_path", required=True)
    o.add_argument("--now", type=int, required=True)
    o.add_argument("--out")
    pe = sub.add_parser("payload-encode")
    pe.add_argument("--bundle", required=True)
    pe.add_argument("--attach", action="append", default=[],
                    help="NAME=FILE[@MEDIA_TYPE]")
    pe.add_argument("--out", required=True)
    pd = sub.add_parser("payload-decode")
    pd.add_argument("--in", dest="in_path", required=True)
    pd.add_argument("--out-dir", required=True)
    a = ap.parse_args(argv)
    run = {"keygen": _cmd_keygen, "seal": _cmd_seal, "open": _cmd_open,
           "payload-encode": _cmd_payload_encode,
           "payload-decode": _cmd_payload_decode}[a.cmd]
    try:
        return run(a)
    except EnvelopeError as e:
        print(f"failure: {e.failure}: {e.detail}", file=sys.stderr)
    except (KeyFileError, OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
