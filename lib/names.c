/* SPDX-License-Identifier: BSD-3-Clause */
/* Function and status-code names (TF-A include/services/ffa_svc.h; Hafnium inc/vmapi/hf/ffa.h). */
#include "ffa/names.h"

#include "ffa/abi.h"

struct func_name {
    uint32_t fid;
    const char *name;
};

#define F(id)                                                                                      \
    {                                                                                              \
        id, #id                                                                                    \
    }
static const struct func_name func_names[] = {
    F(FFA_ERROR),
    F(FFA_SUCCESS_32),
    F(FFA_SUCCESS_64),
    F(FFA_INTERRUPT),
    F(FFA_VERSION),
    F(FFA_FEATURES),
    F(FFA_RX_RELEASE),
    F(FFA_RXTX_MAP_32),
    F(FFA_RXTX_MAP_64),
    F(FFA_RXTX_UNMAP),
    F(FFA_PARTITION_INFO_GET),
    F(FFA_ID_GET),
    F(FFA_MSG_POLL),
    F(FFA_MSG_WAIT),
    F(FFA_YIELD),
    F(FFA_RUN),
    F(FFA_MSG_SEND),
    F(FFA_MSG_SEND_DIRECT_REQ_32),
    F(FFA_MSG_SEND_DIRECT_REQ_64),
    F(FFA_MSG_SEND_DIRECT_RESP_32),
    F(FFA_MSG_SEND_DIRECT_RESP_64),
    F(FFA_MEM_DONATE_32),
    F(FFA_MEM_DONATE_64),
    F(FFA_MEM_LEND_32),
    F(FFA_MEM_LEND_64),
    F(FFA_MEM_SHARE_32),
    F(FFA_MEM_SHARE_64),
    F(FFA_MEM_RETRIEVE_REQ_32),
    F(FFA_MEM_RETRIEVE_REQ_64),
    F(FFA_MEM_RETRIEVE_RESP),
    F(FFA_MEM_RELINQUISH),
    F(FFA_MEM_RECLAIM),
    F(FFA_MEM_OP_PAUSE),
    F(FFA_MEM_OP_RESUME),
    F(FFA_MEM_FRAG_RX),
    F(FFA_MEM_FRAG_TX),
    F(FFA_NORMAL_WORLD_RESUME),
    F(FFA_NOTIFICATION_BITMAP_CREATE),
    F(FFA_NOTIFICATION_BITMAP_DESTROY),
    F(FFA_NOTIFICATION_BIND),
    F(FFA_NOTIFICATION_UNBIND),
    F(FFA_NOTIFICATION_SET),
    F(FFA_NOTIFICATION_GET),
    F(FFA_NOTIFICATION_INFO_GET_32),
    F(FFA_NOTIFICATION_INFO_GET_64),
    F(FFA_RX_ACQUIRE),
    F(FFA_SPM_ID_GET),
    F(FFA_MSG_SEND2),
    F(FFA_SECONDARY_EP_REGISTER_32),
    F(FFA_SECONDARY_EP_REGISTER_64),
    F(FFA_MEM_PERM_GET_32),
    F(FFA_MEM_PERM_GET_64),
    F(FFA_MEM_PERM_SET_32),
    F(FFA_MEM_PERM_SET_64),
    F(FFA_CONSOLE_LOG_32),
    F(FFA_CONSOLE_LOG_64),
    F(FFA_PARTITION_INFO_GET_REGS),
    F(FFA_EL3_INTR_HANDLE),
    F(FFA_MSG_SEND_DIRECT_REQ2),
    F(FFA_MSG_SEND_DIRECT_RESP2),
    /* Aliases: accepted by parsers, never printed. */
    F(FFA_MSG_YIELD),
};
#undef F

#define NUM_FUNCS (sizeof(func_names) / sizeof(func_names[0]))

const char *ffa_func_name(uint32_t fid)
{
    fid &= ~FFA_SMCCC_SVE_HINT;
    for (size_t i = 0; i < NUM_FUNCS; i++) {
        if (func_names[i].fid == fid)
            return func_names[i].name;
    }
    return NULL;
}

const char *ffa_func_table_entry(size_t i, uint32_t *fid)
{
    if (i >= NUM_FUNCS)
        return NULL;
    if (fid != NULL)
        *fid = func_names[i].fid;
    return func_names[i].name;
}

const char *ffa_error_name(int32_t code)
{
    static const char *const names[] = {
        "SUCCESS",   "NOT_SUPPORTED", "INVALID_PARAMETERS",
        "NO_MEMORY", "BUSY",          "INTERRUPTED",
        "DENIED",    "RETRY",         "ABORTED",
        "NO_DATA",
    };

    if (code > 0 || code < -9)
        return NULL;
    return names[-code];
}
