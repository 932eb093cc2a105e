#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the seed inputs of fuzz_descriptors (fuzz/fuzz_descriptors.c) into
fuzz/corpus/fuzz_descriptors/: the descriptors real clients and secure worlds build, and the inputs
of descriptor bugs fixed elsewhere. Byte 0 of an input picks the parser, byte 1 a variant, the rest
is the descriptor. Run it again after changing it; fuzz/run.sh merges fuzzed inputs beside these.

Sources of the layouts and bugs (public):
  - Linux drivers/firmware/arm_ffa/driver.c, ffa_msg_send2() and struct ffa_indirect_msg_hdr:
    v1.1 header with the payload at 20 (6.12-6.14), the 6.15 header that put the payload at 36
    (fixed by "firmware: arm_ffa: Fix the missing entry in struct ffa_indirect_msg_hdr", 6.16),
    the v1.2 header at 40;
  - Xen xen/arch/arm/tee/ffa_msg.c, ffa_handle_msg_send2(): c447b7308b "Harden SEND2 against
    invented loads" (2026): offset and size re-read from the live TX buffer could reach past it;
  - Xen xen/arch/arm/tee/ffa_rxtx.c: d1b958a92c, an endpoint RX/TX descriptor with a 12-byte header
    (misaligned composite offsets);
  - Hafnium src/api.c api_ffa_partition_info_get() and TF-A spmc_main.c partition_info_get_handler:
    24-byte v1.1+ partition information descriptors, one per UUID for v1.2 callers.
"""
import os
import struct

VM_A, VM_B = 1, 2
RAM_IPA = 0x40000000
PA_GUEST = 1 << 62


def pa(vm, ipa):
    return PA_GUEST | (vm << 40) | ipa


out = os.path.join(os.path.dirname(__file__), "..", "corpus", "fuzz_descriptors")
os.makedirs(out, exist_ok=True)


def seed(name, parser, variant, body):
    with open(os.path.join(out, "seed-" + name), "wb") as f:
        f.write(bytes([parser, variant]) + body)


# ---- parser 0: FFA_MSG_SEND2 header (variant bit 0: sender v1.2, bit 1: receiver v1.2,
#      bits 2-3: sender TX pages - 1, bit 4: receiver RX pages - 1)
def send2_hdr(offset, size, sender=VM_A, receiver=VM_B, uuid=b"", payload=b""):
    h = struct.pack("<IIIII", 0, 0, offset, sender << 16 | receiver, size)
    if offset >= 40:
        h += struct.pack("<I", 0) + (uuid or bytes(range(16)))
    h = h.ljust(offset, b"\0")
    return h + (payload or bytes((i * 7) & 0xFF for i in range(size)))


seed("send2-linux-6.12-v1.1", 0, 0b00, send2_hdr(20, 32))
seed("send2-linux-6.15-offset-36", 0, 0b11, send2_hdr(36, 32))
seed("send2-linux-6.16-v1.2", 0, 0b11, send2_hdr(40, 32))
seed("send2-v1.2-to-v1.1", 0, 0b01, send2_hdr(40, 100))
seed("send2-largest-payload", 0, 0b10, send2_hdr(20, 4096 - 40))
seed("send2-payload-one-past-rx", 0, 0b00, send2_hdr(20, 4096 - 20 + 1)[:64])
seed("send2-offset-wraps", 0, 0b00, struct.pack("<IIIII", 0, 0, 0xFFFFFFF0, VM_A << 16 | VM_B, 0x20))
seed("send2-forged-sender", 0, 0b00, send2_hdr(20, 8, sender=3))
seed("send2-to-itself", 0, 0b00, send2_hdr(20, 8, receiver=VM_A))
# Xen c447b7308b: a size that is valid only as first read (the watch fails any second read).
seed("send2-xen-c447b7308b-tx-end", 0, 0b1100, send2_hdr(40, 4 * 4096 - 40)[:128])


# ---- parser 1: the SPMC's partition list (u32 count, u32 entry size, the entries);
#      variant % 3: the VM's version 1.0, 1.1, 1.2
def entry(pid, ctx, props, uuid, size=24):
    return struct.pack("<HHI", pid, ctx, props).ljust(8, b"\0") + bytes(uuid).ljust(size - 8, b"\0")


def plist(entries, size=24, count=None):
    body = b"".join(entry(*e, size=size) for e in entries)
    return struct.pack("<II", len(entries) if count is None else count, size) + body


u = lambda b: bytes([b] * 16)
hafnium = [(0x8001, 1, 0x703, u(1)), (0x8002, 8, 0x70B, u(2)), (0x8002, 8, 0x70B, u(3))]
for v in range(3):
    seed("partinfo-hafnium-two-uuids-v1.%d" % v, 1, v, plist(hafnium))
seed("partinfo-tfa-el3-spmc", 1, 2, plist([(0x8001, 4, 0x13, u(9)), (0x8003, 1, 0x3, u(10))]))
seed("partinfo-v1.3-48-byte-entries", 1, 2, plist(hafnium, size=48))
seed("partinfo-non-secure-id-dropped", 1, 1, plist([(0x0005, 1, 3, u(4)), (0x8004, 1, 3, u(5))]))
seed("partinfo-does-not-fit-a-page", 1, 2, plist(hafnium, count=200))
seed("partinfo-entry-size-16", 1, 2, plist(hafnium, size=24)[:4] + struct.pack("<I", 16) +
     plist(hafnium)[8:])
seed("partinfo-empty", 1, 2, plist([]))


# ---- parser 2: the endpoint RX/TX descriptor of FFA_RXTX_MAP(0, 0, 0), as the SPMC reads it
def composite(ranges):
    body = b"".join(struct.pack("<QII", a, n, 0) for a, n in ranges)
    return struct.pack("<IIQ", sum(n for _, n in ranges), len(ranges), 0) + body


def rxtx(endpoint, rx, tx, header=16):
    rxc, txc = composite(rx), composite(tx)
    return struct.pack("<HHII", endpoint, 0, header, header + len(rxc)).ljust(header, b"\0") + rxc + txc


seed("rxtx-mediator-one-page", 2, 0, rxtx(VM_A, [(pa(VM_A, RAM_IPA + 0x4000), 1)],
                                           [(pa(VM_A, RAM_IPA), 1)]))
seed("rxtx-scattered-pages", 2, 0, rxtx(VM_B, [(pa(VM_B, RAM_IPA + 0x5000), 1),
                                               (pa(VM_B, RAM_IPA + 0x7000), 1)],
                                        [(pa(VM_B, RAM_IPA), 2)]))
seed("rxtx-xen-d1b958a92c-12-byte-header", 2, 0,
     rxtx(VM_A, [(pa(VM_A, RAM_IPA + 0x4000), 1)], [(pa(VM_A, RAM_IPA), 1)], header=12))
seed("rxtx-overlapping", 2, 0, rxtx(VM_A, [(pa(VM_A, RAM_IPA), 1)], [(pa(VM_A, RAM_IPA), 1)]))
seed("rxtx-outside-ram", 2, 0, rxtx(VM_A, [(0x1000, 1)], [(pa(VM_A, RAM_IPA), 1)]))
seed("rxtx-count-mismatch", 2, 0, rxtx(VM_A, [(pa(VM_A, RAM_IPA + 0x4000), 1)],
                                       [(pa(VM_A, RAM_IPA), 1)])[:16] + struct.pack("<IIQ", 3, 1, 0))
seed("rxtx-secure-endpoint", 2, 0, rxtx(0x8001, [(pa(VM_A, RAM_IPA + 0x4000), 1)],
                                        [(pa(VM_A, RAM_IPA), 1)]))
print("seeds written to", os.path.normpath(out))
