/*
 * Turning SMEP and SMAP on. Both are bits of CR4, reported by CPUID leaf 7
 * in EBX; QEMU's default CPU model has neither, `-cpu max` both.
 *
 * Why a flag and not patched instructions: stac and clac raise #UD on a CPU
 * without SMAP, so on such CPUs they must not run. Linux rewrites them into
 * no-ops at boot; Chalk's text is read-only from paging_init on (W^X), and a
 * well-predicted test of one byte costs next to nothing, so
 * user_access_begin/end test smap_enabled instead.
 */
#include "arch/x86_64/smap.h"

#include "arch/x86_64/cpu.h"
#include "lib/format.h"

#define CPUID_LEAF_FEATURES7 7
#define CPUID7_EBX_SMEP      (1u << 7)
#define CPUID7_EBX_SMAP      (1u << 20)

bool smap_enabled;

static const char *state(bool on)
{
    return on ? "on" : "off (not in this CPU)";
}

const char *smap_init(void)
{
    static char description[96];
    uint32_t max_leaf, ebx = 0, unused;
    cpuid(0, 0, &max_leaf, &unused, &unused, &unused);
    if (max_leaf >= CPUID_LEAF_FEATURES7)
        cpuid(CPUID_LEAF_FEATURES7, 0, &unused, &ebx, &unused, &unused);
    bool smep = ebx & CPUID7_EBX_SMEP, smap = ebx & CPUID7_EBX_SMAP;

    uint64_t cr4 = read_cr4();
    if (smep)
        cr4 |= CR4_SMEP;
    if (smap)
        cr4 |= CR4_SMAP;
    write_cr4(cr4);
    smap_enabled = smap;
    user_access_end(); /* whatever RFLAGS.AC the boot loader left: no window is open */

    ksnprintf(description, sizeof(description), "NX %s, SMEP %s, SMAP %s",
              state(rdmsr(MSR_EFER) & EFER_NXE), state(smep), state(smap));
    return description;
}
