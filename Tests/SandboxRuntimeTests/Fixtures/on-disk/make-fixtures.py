#!/usr/bin/env python3
"""Writes the on-disk journal fixtures beside this script (docs/behaviour.md §4.5; README "Operations").

- older-snapshot-format/: a journal as sandboxd wrote it with snapshot format 2 (the journal-v2
  fixture's snapshot at seq 26 in snapshot.bin, and its 37 later records in 000002.log), in segment
  format 1. A newer sandboxd reads it.
- newer-segment-format/: a segment whose header says format 2, which no sandboxd writes yet: this one
  refuses it and says to upgrade.

The bytes follow Sources/SandboxRuntime/Journal/JournalFormat.swift. Run it again only to change the fixtures.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
V2 = os.path.join(HERE, "..", "journal-v2")
LINEAGE = b"lineage-1"


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def segment_header(version, first_seq):
    head = b"SBXJ" + struct.pack("<HH", version, len(LINEAGE)) + LINEAGE + struct.pack("<Q", first_seq)
    return head + struct.pack("<I", crc32c(head))


def record(seq, payload):
    length = struct.pack("<I", len(payload))
    rest = struct.pack("<Q", seq) + payload
    return length + struct.pack("<I", crc32c(length + rest)) + rest


def snapshot(seq, payload):
    head = b"SBXS" + struct.pack("<HH", 1, len(LINEAGE)) + LINEAGE + struct.pack("<QQ", seq, len(payload)) + payload
    return head + struct.pack("<I", crc32c(head))


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as file:
        file.write(data)


with open(os.path.join(V2, "records.jsonl"), "rb") as file:
    lines = file.read().splitlines()
with open(os.path.join(V2, "snapshot.json"), "rb") as file:
    snapshot_payload = file.read()
covered = len(lines) - 37
older = os.path.join(HERE, "older-snapshot-format", "journal")
write(os.path.join(older, "snapshot.bin"), snapshot(covered, snapshot_payload))
segment = segment_header(1, covered + 1)
for offset, line in enumerate(lines[covered:]):
    segment += record(covered + 1 + offset, line)
write(os.path.join(older, "000002.log"), segment)

newer = os.path.join(HERE, "newer-segment-format", "journal")
write(os.path.join(newer, "000001.log"), segment_header(2, 1) + record(1, b'{"a record":"of format 2"}'))
