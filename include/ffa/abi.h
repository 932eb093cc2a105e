/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * FF-A (Arm DEN0077) wire constants: function IDs, status codes, versions and endpoint IDs.
 *
 * Everything here is a fact of the ABI, shared by the mediator core, every backend and every test.
 * Values follow the FF-A specification (Arm DEN0077A, v1.2) as TF-A's
 * include/services/ffa_svc.h and Hafnium's inc/vmapi/hf/ffa.h define them.
 *
 * Freestanding: this header needs only <stdint.h> and <stdbool.h>.
 */
#ifndef FFA_ABI_H
#define FFA_ABI_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- SMCCC function-ID anatomy (Arm SMC Calling Convention, DEN0028, v1.2 and later) ---- */
#define FFA_SMCCC_FAST_CALL  0x80000000u
#define FFA_SMCCC_64         0x40000000u
#define FFA_SMCCC_OWNER_MASK 0x3f000000u
#define FFA_SMCCC_OWNER_STD  0x04000000u /* Standard Secure Service */
#define FFA_SMCCC_SVE_HINT   0x00010000u /* SMCCC v1.3 "no live SVE state" hint, ignored */
#define FFA_SMCCC_RSVD_MASK  0x00fe0000u /* bits [23:17] MBZ in a valid function ID */
#define FFA_SMCCC_FNUM_MASK  0x0000ffffu

/* SMCCC's own "unknown function" answer, for calls a hypervisor declines. */
#define FFA_SMCCC_UNKNOWN 0xffffffffu

/*
 * FF-A function numbers span 0x60..0x97 (TF-A include/services/ffa_svc.h, FFA_FNUM_MIN_VALUE and
 * FFA_FNUM_MAX_VALUE). A fast call to the standard secure service with a number in that window is
 * an FF-A call.
 */
#define FFA_FNUM_MIN 0x60u
#define FFA_FNUM_MAX 0x97u

#define FFA_FID32(fnum) (0x84000000u | (fnum))
#define FFA_FID64(fnum) (0xC4000000u | (fnum))

/* ---- Function IDs (TF-A include/services/ffa_svc.h; Hafnium inc/vmapi/hf/ffa.h) ---- */
#define FFA_ERROR                       FFA_FID32(0x60)
#define FFA_SUCCESS_32                  FFA_FID32(0x61)
#define FFA_SUCCESS_64                  FFA_FID64(0x61)
#define FFA_INTERRUPT                   FFA_FID32(0x62)
#define FFA_VERSION                     FFA_FID32(0x63)
#define FFA_FEATURES                    FFA_FID32(0x64)
#define FFA_RX_RELEASE                  FFA_FID32(0x65)
#define FFA_RXTX_MAP_32                 FFA_FID32(0x66)
#define FFA_RXTX_MAP_64                 FFA_FID64(0x66)
#define FFA_RXTX_UNMAP                  FFA_FID32(0x67)
#define FFA_PARTITION_INFO_GET          FFA_FID32(0x68)
#define FFA_ID_GET                      FFA_FID32(0x69)
#define FFA_MSG_POLL                    FFA_FID32(0x6A)
#define FFA_MSG_WAIT                    FFA_FID32(0x6B)
#define FFA_MSG_YIELD                   FFA_FID32(0x6C) /* a.k.a. FFA_YIELD */
#define FFA_YIELD                       FFA_MSG_YIELD
#define FFA_RUN                         FFA_FID32(0x6D)
#define FFA_MSG_SEND                    FFA_FID32(0x6E)
#define FFA_MSG_SEND_DIRECT_REQ_32      FFA_FID32(0x6F)
#define FFA_MSG_SEND_DIRECT_REQ_64      FFA_FID64(0x6F)
#define FFA_MSG_SEND_DIRECT_RESP_32     FFA_FID32(0x70)
#define FFA_MSG_SEND_DIRECT_RESP_64     FFA_FID64(0x70)
#define FFA_MEM_DONATE_32               FFA_FID32(0x71)
#define FFA_MEM_DONATE_64               FFA_FID64(0x71)
#define FFA_MEM_LEND_32                 FFA_FID32(0x72)
#define FFA_MEM_LEND_64                 FFA_FID64(0x72)
#define FFA_MEM_SHARE_32                FFA_FID32(0x73)
#define FFA_MEM_SHARE_64                FFA_FID64(0x73)
#define FFA_MEM_RETRIEVE_REQ_32         FFA_FID32(0x74)
#define FFA_MEM_RETRIEVE_REQ_64         FFA_FID64(0x74)
#define FFA_MEM_RETRIEVE_RESP           FFA_FID32(0x75)
#define FFA_MEM_RELINQUISH              FFA_FID32(0x76)
#define FFA_MEM_RECLAIM                 FFA_FID32(0x77)
#define FFA_MEM_OP_PAUSE                FFA_FID32(0x78)
#define FFA_MEM_OP_RESUME               FFA_FID32(0x79)
#define FFA_MEM_FRAG_RX                 FFA_FID32(0x7A)
#define FFA_MEM_FRAG_TX                 FFA_FID32(0x7B)
#define FFA_NORMAL_WORLD_RESUME         FFA_FID32(0x7C)
#define FFA_NOTIFICATION_BITMAP_CREATE  FFA_FID32(0x7D)
#define FFA_NOTIFICATION_BITMAP_DESTROY FFA_FID32(0x7E)
#define FFA_NOTIFICATION_BIND           FFA_FID32(0x7F)
#define FFA_NOTIFICATION_UNBIND         FFA_FID32(0x80)
#define FFA_NOTIFICATION_SET            FFA_FID32(0x81)
#define FFA_NOTIFICATION_GET            FFA_FID32(0x82)
#define FFA_NOTIFICATION_INFO_GET_32    FFA_FID32(0x83)
#define FFA_NOTIFICATION_INFO_GET_64    FFA_FID64(0x83)
#define FFA_RX_ACQUIRE                  FFA_FID32(0x84)
#define FFA_SPM_ID_GET                  FFA_FID32(0x85)
#define FFA_MSG_SEND2                   FFA_FID32(0x86)
#define FFA_SECONDARY_EP_REGISTER_32    FFA_FID32(0x87)
#define FFA_SECONDARY_EP_REGISTER_64    FFA_FID64(0x87)
#define FFA_MEM_PERM_GET_32             FFA_FID32(0x88)
#define FFA_MEM_PERM_GET_64             FFA_FID64(0x88)
#define FFA_MEM_PERM_SET_32             FFA_FID32(0x89)
#define FFA_MEM_PERM_SET_64             FFA_FID64(0x89)
#define FFA_CONSOLE_LOG_32              FFA_FID32(0x8A)
#define FFA_CONSOLE_LOG_64              FFA_FID64(0x8A)
#define FFA_PARTITION_INFO_GET_REGS     FFA_FID64(0x8B)
#define FFA_EL3_INTR_HANDLE             FFA_FID32(0x8C)
#define FFA_MSG_SEND_DIRECT_REQ2        FFA_FID64(0x8D)
#define FFA_MSG_SEND_DIRECT_RESP2       FFA_FID64(0x8E)

/* ---- Status codes, carried in w2 of FFA_ERROR (Hafnium inc/vmapi/hf/ffa.h, FFA_*) ---- */
#define FFA_RET_SUCCESS            0
#define FFA_RET_NOT_SUPPORTED      (-1)
#define FFA_RET_INVALID_PARAMETERS (-2)
#define FFA_RET_NO_MEMORY          (-3)
#define FFA_RET_BUSY               (-4)
#define FFA_RET_INTERRUPTED        (-5)
#define FFA_RET_DENIED             (-6)
#define FFA_RET_RETRY              (-7)
#define FFA_RET_ABORTED            (-8)
#define FFA_RET_NO_DATA            (-9)

/* ---- Versions: bit31 MBZ | major[30:16] | minor[15:0] (Hafnium api_ffa_version()) ---- */
#define FFA_VERSION_MAKE(major, minor) ((uint32_t)(((major) << 16) | (minor)))
#define FFA_VERSION_MAJOR(v)           (((v) >> 16) & 0x7fffu)
#define FFA_VERSION_MINOR(v)           ((v)&0xffffu)
#define FFA_VERSION_MBZ                0x80000000u
#define FFA_VERSION_1_0                FFA_VERSION_MAKE(1, 0)
#define FFA_VERSION_1_1                FFA_VERSION_MAKE(1, 1)
#define FFA_VERSION_1_2                FFA_VERSION_MAKE(1, 2)

/*
 * ---- Endpoint IDs ----
 * Bit 15 marks a secure-world endpoint (FF-A v1.2); 0 is the hypervisor and 0x8000 the SPMC
 * (Hafnium's HF_HYPERVISOR_VM_ID and HF_SPMC_VM_ID).
 */
#define FFA_ID_SECURE_BIT    0x8000u /* bit 15 set: a secure-world endpoint */
#define FFA_ID_HYPERVISOR    0x0000u
#define FFA_ID_SPMC          0x8000u
#define FFA_ID_IS_SECURE(id) (((id)&FFA_ID_SECURE_BIT) != 0)

/* w1 of direct messages: (sender << 16) | receiver. */
#define FFA_SENDER(w1)   ((uint16_t)(((w1) >> 16) & 0xffffu))
#define FFA_RECEIVER(w1) ((uint16_t)((w1)&0xffffu))
/* w1 of FFA_RUN / FFA_INTERRUPT / FFA_YIELD: (endpoint << 16) | vcpu. */
#define FFA_TARGET_INFO(id, vcpu) ((uint32_t)(((uint32_t)(id) << 16) | ((vcpu)&0xffffu)))
#define FFA_TARGET_ID(w1)         ((uint16_t)(((w1) >> 16) & 0xffffu))
#define FFA_TARGET_VCPU(w1)       ((uint16_t)((w1)&0xffffu))

/* w2 of a direct request: bit 31 marks a framework message. */
#define FFA_MSG_FLAG_FRAMEWORK 0x80000000u

/*
 * Framework direct messages (w2 bit 31 set, message type in w2[7:0]): the VM availability
 * messages the hypervisor sends to SPs that ask for them (partition properties bits 6 and 7).
 * Request: w1 = 0 << 16 | SP, w2 = flag | type, w3/w4 = handle of a memory region with
 * IMPLEMENTATION DEFINED information about the VM (FFA_HANDLE_INVALID when none), w5[15:0] = VM
 * ID. Response (DIRECT_RESP_32): w1 = SP << 16 | 0, w2 = flag | ACK type, w3 = status (0 or an FF-A
 * error code). Types as TF-A include/services/ffa_svc.h and the arm-ffa crate's DirectMsgArgs.
 */
#define FFA_FWK_MSG_VM_CREATED       0x4u
#define FFA_FWK_MSG_VM_CREATED_ACK   0x5u
#define FFA_FWK_MSG_VM_DESTROYED     0x6u
#define FFA_FWK_MSG_VM_DESTROYED_ACK 0x7u
#define FFA_FWK_MSG_TYPE_MASK        0xffu
#define FFA_HANDLE_INVALID           UINT64_C(0xffffffffffffffff)

/* Partition properties (FFA_PARTITION_INFO_GET): the bits the mediator acts on. */
#define FFA_PART_PROP_NOTIF_RECV   (1u << 3) /* receives notifications */
#define FFA_PART_PROP_VM_CREATED   (1u << 6) /* wants VM-created messages */
#define FFA_PART_PROP_VM_DESTROYED (1u << 7) /* wants VM-destroyed messages */

/* FFA_FEATURES feature IDs (bit31 = 0). */
#define FFA_FEATURE_NPI 0x1u
#define FFA_FEATURE_SRI 0x2u
#define FFA_FEATURE_MEI 0x3u
/*
 * Notification features (FF-A v1.3, per-vCPU notifications became optional): w2 bit 0 = per-vCPU
 * notifications not supported for VMs, bit 1 = not supported for SPs.
 */
#define FFA_FEATURE_NOTIF             0x4u
#define FFA_FEATURE_NOTIF_NO_VCPU_VMS (1u << 0)
#define FFA_FEATURE_NOTIF_NO_VCPU_SPS (1u << 1)

/*
 * ---- Notifications (FF-A v1.1+; Hafnium inc/vmapi/hf/ffa.h) ----
 * 64 notification IDs per receiver; a bitmap travels as two 32-bit halves, low then high.
 *
 * BIND:   w1 = sender << 16 | receiver, w2 = flags (bit 0 per-vCPU), w3/w4 = bitmap.
 * UNBIND: w1 as BIND, w2 MBZ, w3/w4 = bitmap.
 * SET:    w1 = sender << 16 | receiver, w2 = flags (bit 0 per-vCPU, bit 1 delay SRI,
 *         bits[31:16] vCPU ID), w3/w4 = bitmap.
 * GET:    w1 = vCPU << 16 | receiver, w2 = which bitmaps; answers SUCCESS with w2/w3 from SPs,
 *         w4/w5 from VMs, w6 SPM framework, w7 hypervisor framework.
 * INFO_GET: x2 = flags (bit 0 more pending, [11:7] list count, two bits per list from bit 12:
 *         vCPU IDs in the list), x3..x7 = 16-bit IDs, each list an endpoint ID then its vCPUs.
 */
#define FFA_NOTIF_FLAG_PER_VCPU      (1u << 0)
#define FFA_NOTIF_FLAG_DELAY_SRI     (1u << 1)
#define FFA_NOTIF_SET_VCPU(w2)       ((uint16_t)((w2) >> 16))
#define FFA_NOTIF_GET_SP             (1u << 0)
#define FFA_NOTIF_GET_VM             (1u << 1)
#define FFA_NOTIF_GET_SPM            (1u << 2)
#define FFA_NOTIF_GET_HYP            (1u << 3)
#define FFA_NOTIF_INFO_MORE_PENDING  (1u << 0)
#define FFA_NOTIF_INFO_LISTS_SHIFT   7
#define FFA_NOTIF_INFO_LISTS_MASK    0x1fu
#define FFA_NOTIF_INFO_SIZES_SHIFT   12
#define FFA_NOTIF_INFO_MAX_IDS_64    20u /* x3..x7, four IDs each */
#define FFA_NOTIF_INFO_MAX_IDS_32    10u /* w3..w7, two IDs each */
#define FFA_NOTIF_INFO_MAX_LIST_VCPU 3u  /* vCPU IDs per list */
/* The hypervisor framework bitmap (GET w7): the RX buffer holds a message. */
#define FFA_FW_NOTIF_RX_FULL (1u << 0)

/* True when fid (with the SVE hint already cleared) uses the SMC64 convention. */
static inline bool ffa_fid_is_64(uint32_t fid)
{
    return (fid & FFA_SMCCC_64) != 0;
}

/* The FF-A status code of an FFA_ERROR reply, as a signed value (w2 is zero-extended). */
static inline int32_t ffa_error_code(uint64_t x2)
{
    return (int32_t)(uint32_t)x2;
}

#ifdef __cplusplus
}
#endif

#endif /* FFA_ABI_H */
