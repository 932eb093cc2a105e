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
    24-byte v1.1+ partition information descriptors, one per UUID for v1.2 callers;
  - memory transaction descriptors as Linux ffa_setup_and_transmit() builds them (v1.0, v1.1,
    v1.2), Trusted Services libsp's retrieve and relinquish descriptors, the hypervisor's retrieve
    request, and the 2026 fixes: pKVM arch/arm64/kvm/hyp/nvhe/ffa.c "Validate the offset to the
    mem access descriptor", "Ensure FFA ranges are page aligned", "Fix bounds checking in
    do_ffa_mem_reclaim()", and Linux CVE-2026-68401 ("Fix out-of-bound writes in
    ffa_setup_and_transmit()").
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


# ---- parser 3: memory transaction descriptors (variant % 3: v1.0, v1.1, v1.2;
#      (variant >> 2) % 3: 0 send, 1 retrieve request, 2 retrieve response;
#      bit 5: first fragment only; bit 6: more announced than given;
#      (variant >> 4) % 3 for sends: share, lend, donate)
def mem(version, sender, attrs, flags, emads, ranges, emad_off=None, emad_size=None,
        handle=0, composite=True):
    esize = emad_size or (32 if version == 2 else 16)
    hsize = 32 if version == 0 else 48
    eoff = emad_off if emad_off is not None else hsize
    comp_off = eoff + esize * len(emads)
    if version == 0:
        h = struct.pack("<HBBIQQII", sender, attrs, 0, flags, handle, 0, 0, len(emads))
    else:
        h = struct.pack("<HHIQQIII", sender, attrs, flags, handle, 0, esize, len(emads), eoff) + bytes(12)
    h = h.ljust(eoff, b"\0")
    for ep, perm in emads:
        e = struct.pack("<HBBI", ep, perm, 0, comp_off if composite else 0)
        h += e.ljust(esize, b"\0")
    if composite:
        h += struct.pack("<IIQ", sum(n for _, n in ranges), len(ranges), 0)
        h += b"".join(struct.pack("<QII", a, n, 0) for a, n in ranges)
    return h


rng = [(0x880000000, 1), (0x880002000, 3)]
# Linux ffa_setup_and_transmit(): SHARE 0x2F, RW to one SP, every version (OP-TEE and the TS
# driver share the same way); LEND with attributes 0.
for v in range(3):
    seed("mem-linux-share-v1.%d" % v, 3, v, mem(v, 1, 0x2F, 0, [(0x8001, 0x02)], rng))
seed("mem-linux-lend-v1.1", 3, 1 | 1 << 4, mem(1, 1, 0, 0, [(0x8001, 0x02)], rng))
seed("mem-donate-v1.2", 3, 2 | 2 << 4, mem(2, 1, 0, 0, [(0x8001, 0)], rng))
seed("mem-two-borrowers", 3, 1, mem(1, 1, 0x2F, 0, [(0x8001, 0x02), (0x8002, 0x01)], rng))
seed("mem-first-fragment", 3, 1 | 0x20 | 0x40, mem(1, 1, 0x2F, 0, [(0x8001, 0x02)], rng))
# Trusted Services libsp sp_memory_retrieve(): a retrieve request, one EMAD, no composite.
seed("mem-libsp-retrieve-req", 3, 1 | 1 << 2,
     mem(1, 1, 0x2F, 1 << 3, [(0x8002, 0x06)], [], handle=0x10, composite=False))
# The hypervisor's retrieve request before a reclaim (pKVM do_ffa_mem_reclaim()): EMAD count 0.
seed("mem-hyp-retrieve-req", 3, 1 | 1 << 2, mem(1, 0, 0, 0, [], [], handle=0x10, composite=False))
seed("mem-retrieve-resp", 3, 1 | 2 << 2, mem(1, 1, 0x6F, 1 << 3, [(0x8002, 0x06)], rng, handle=0x10))
# pKVM 2026 "Validate the offset to the mem access descriptor" / Linux "Fix Endpoint Memory Access
# Descriptor offset calculation": the EMAD array is where ep_mem_offset says (64), not at 48.
seed("mem-pkvm-2026-emad-offset-64", 3, 1, mem(1, 1, 0x2F, 0, [(0x8001, 0x02)], rng, emad_off=64))
# pKVM 2026 "Ensure FFA ranges are page aligned": a constituent not on a 4 KiB boundary.
seed("mem-pkvm-2026-unaligned-range", 3, 1, mem(1, 1, 0x2F, 0, [(0x8001, 0x02)], [(0x880000800, 1)]))
# pKVM 2026 "Fix bounds checking in do_ffa_mem_reclaim()": a retrieve response whose composite
# lies past its length.
resp = bytearray(mem(1, 1, 0x6F, 1 << 3, [(0x8002, 0x06)], rng, handle=0x10))
struct.pack_into("<I", resp, 48 + 4, 0x1000)
seed("mem-pkvm-2026-reclaim-composite-past-end", 3, 1 | 2 << 2, bytes(resp))
# Linux CVE-2026-68401 (out-of-bound writes in ffa_setup_and_transmit()): EMAD count and size
# whose product runs past the buffer (and wraps 32 bits).
big = bytearray(mem(2, 1, 0x2F, 0, [(0x8001, 0x02)], rng))
struct.pack_into("<II", big, 24, 32, 0x08000001)
seed("mem-linux-cve-2026-68401-emad-overflow", 3, 2, bytes(big))
# A relinquish descriptor (libsp sp_memory_relinquish()): handle, flags, one endpoint.
seed("mem-relinquish", 3, 1, struct.pack("<QIIH", 0x10, 0, 1, 0x8002))
