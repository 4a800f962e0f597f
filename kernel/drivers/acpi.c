/*
 * ACPI, only as far as turning the machine off and resetting it (ACPI
 * specification 6.5: 5.2 the tables, 4.8 the fixed hardware registers,
 * 7.4.2 the \_Sx objects, 20 the AML encoding).
 *
 * The path through the firmware's tables:
 *   RSDP (from GRUB, or found in the BIOS areas)
 *     -> RSDT (32-bit table pointers) or XSDT (64-bit, ACPI 2.0+)
 *       -> FADT, signature "FACP": the PM1 control ports, the reset register
 *         -> DSDT: AML bytecode; its \_S5 object holds the SLP_TYP values
 *            that select "soft off" when written to the PM1 control ports.
 *
 * A real ACPI implementation runs an AML interpreter. Chalk only looks for
 * the byte pattern that defines \_S5 and reads two integers out of it
 * (acpi_aml.c).
 *
 * Firmware tables are input, not truth: every table's checksum is checked,
 * every length is bounded before it is used, and nothing is read past the
 * length a table declares. Tables may lie anywhere in physical memory, also
 * above 4 GiB, so each one is reached through mm_map_physical.
 */
#include "drivers/acpi.h"

#include "arch/x86_64/cpu.h"
#include "drivers/acpi_aml.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/mm.h"

#include <stddef.h>

/* ---- table layouts -------------------------------------------------------- */

struct rsdp {
    char signature[8]; /* "RSD PTR " */
    uint8_t checksum;  /* the first RSDP_V1_SIZE bytes sum to 0 */
    char oem_id[6];
    uint8_t revision; /* 0: ACPI 1.0; 2: ACPI 2.0 and later */
    uint32_t rsdt_address;
    /* From revision 2 on: */
    uint32_t length;
    uint64_t xsdt_address;
    uint8_t extended_checksum; /* all sizeof(struct rsdp) bytes sum to 0 */
    uint8_t reserved[3];
} __attribute__((packed));

#define RSDP_V1_SIZE 20

/* The header every other table starts with; length covers the whole table. */
struct sdt_header {
    char signature[4];
    uint32_t length;
    uint8_t revision;
    uint8_t checksum; /* all length bytes sum to 0 */
    char oem_id[6];
    char oem_table_id[8];
    uint32_t oem_revision;
    uint32_t creator_id;
    uint32_t creator_revision;
} __attribute__((packed));

/* Generic Address Structure: where a register lives. */
struct gas {
    uint8_t space; /* GAS_* */
    uint8_t bit_width;
    uint8_t bit_offset;
    uint8_t access_size;
    uint64_t address;
} __attribute__((packed));

#define GAS_SYSTEM_MEMORY 0
#define GAS_SYSTEM_IO     1
#define GAS_PCI_CONFIG    2

/*
 * The FADT up to the fields Chalk uses. ACPI 1.0 tables end after flags
 * (116 bytes); later ones append the rest. FADT_HAS tells which are there.
 */
struct fadt {
    struct sdt_header header;
    uint32_t firmware_ctrl;
    uint32_t dsdt;
    uint8_t reserved0;
    uint8_t preferred_pm_profile;
    uint16_t sci_int;
    uint32_t smi_cmd;    /* port that switches legacy mode <-> ACPI mode */
    uint8_t acpi_enable; /* the value to write to smi_cmd for ACPI mode */
    uint8_t acpi_disable;
    uint8_t s4bios_req;
    uint8_t pstate_cnt;
    uint32_t pm1a_evt_blk, pm1b_evt_blk;
    uint32_t pm1a_cnt_blk, pm1b_cnt_blk;
    uint32_t pm2_cnt_blk, pm_tmr_blk, gpe0_blk, gpe1_blk;
    uint8_t pm1_evt_len, pm1_cnt_len, pm2_cnt_len, pm_tmr_len;
    uint8_t gpe0_blk_len, gpe1_blk_len, gpe1_base, cst_cnt;
    uint16_t p_lvl2_lat, p_lvl3_lat, flush_size, flush_stride;
    uint8_t duty_offset, duty_width, day_alrm, mon_alrm, century;
    uint16_t iapc_boot_arch;
    uint8_t reserved1;
    uint32_t flags;
    /* From FADT revision 2 on: */
    struct gas reset_reg;
    uint8_t reset_value;
    uint16_t arm_boot_arch;
    uint8_t minor_version;
    uint64_t x_firmware_ctrl;
    uint64_t x_dsdt;
    struct gas x_pm1a_evt_blk, x_pm1b_evt_blk;
    struct gas x_pm1a_cnt_blk, x_pm1b_cnt_blk;
} __attribute__((packed));

_Static_assert(offsetof(struct fadt, flags) == 112, "FADT layout");
_Static_assert(offsetof(struct fadt, x_pm1a_cnt_blk) == 172, "FADT layout");

/* True when the table is long enough to contain field. */
#define FADT_HAS(fadt, field)                                                                      \
    (offsetof(struct fadt, field) + sizeof((fadt)->field) <= (fadt)->header.length)

#define FADT_RESET_REG_SUP (1u << 10)

/* PM1 control register bits. */
#define PM1_SCI_EN        (1u << 0) /* set: the chipset is in ACPI mode */
#define PM1_SLP_TYP_SHIFT 10
#define PM1_SLP_TYP_MASK  (7u << PM1_SLP_TYP_SHIFT)
#define PM1_SLP_EN        (1u << 13) /* writing 1 enters the SLP_TYP state */

/* No sane table is larger; a bigger length is a corrupt header. */
#define TABLE_MAX_LENGTH (16u << 20)
/* The direct map spans 64 TiB and more: anything beyond is not a table. */
#define PHYS_LIMIT (1ULL << 46)

/*
 * Bounded waits count io_wait calls, each about 1 us on real hardware
 * (there may be no timer running when these are needed).
 */
#define ACPI_ENABLE_POLLS 3000000 /* firmware may take seconds to switch */
#define SETTLE_POLLS      1000000 /* time for power-off or a reset to act */
#define KBC_POLLS         100000

#define KBC_STATUS         0x64
#define KBC_INPUT_FULL     0x02
#define KBC_PULSE_RESET    0xFE
#define PCI_CONFIG_ADDRESS 0xCF8
#define PCI_CONFIG_DATA    0xCFC

/* ---- what acpi_init found --------------------------------------------------- */

static struct {
    bool can_poweroff;           /* pm1a_cnt and the S5 sleep types are valid */
    uint16_t pm1a_cnt, pm1b_cnt; /* I/O ports; pm1b_cnt 0 when absent */
    uint8_t slp_typa, slp_typb;
    uint16_t smi_cmd; /* 0: the machine is always in ACPI mode */
    uint8_t acpi_enable;
    bool has_reset;
    struct gas reset_reg;
    uint8_t reset_value;
} acpi;

static char description[160] = "ACPI not initialised";

/* ---- finding and checking tables ------------------------------------------ */

static bool checksum_ok(const void *table, size_t length)
{
    const uint8_t *bytes = table;
    uint8_t sum = 0;
    for (size_t i = 0; i < length; i++)
        sum += bytes[i];
    return sum == 0;
}

static bool rsdp_valid(const struct rsdp *rsdp)
{
    return memcmp(rsdp->signature, "RSD PTR ", 8) == 0 && checksum_ok(rsdp, RSDP_V1_SIZE);
}

/* The XSDT is used only when an ACPI 2.0 RSDP vouches for it. */
static bool rsdp_has_xsdt(const struct rsdp *rsdp)
{
    return rsdp->revision >= 2 && rsdp->length >= sizeof(*rsdp) &&
           checksum_ok(rsdp, sizeof(*rsdp)) && rsdp->xsdt_address != 0;
}

/* Looks for the RSDP on the 16-byte boundaries of [start, start + length). */
static const struct rsdp *scan_for_rsdp(uint64_t start, uint64_t length)
{
    const uint8_t *area = mm_map_physical(start, length);
    for (uint64_t off = 0; off + sizeof(struct rsdp) <= length; off += 16)
        if (rsdp_valid((const struct rsdp *)(area + off)))
            return (const struct rsdp *)(area + off);
    return NULL;
}

/*
 * Without a pointer from the boot loader, a BIOS keeps the RSDP in the first
 * KiB of the Extended BIOS Data Area (whose segment the word at 0x40E
 * holds) or in the BIOS ROM area 0xE0000-0xFFFFF.
 */
static const struct rsdp *search_bios_areas(void)
{
    const uint16_t *ebda_segment = mm_map_physical(0x40E, sizeof(uint16_t));
    uint64_t ebda = (uint64_t)*ebda_segment << 4;
    const struct rsdp *rsdp = NULL;
    if (ebda >= 0x80000 && ebda + 1024 <= 0xA0000)
        rsdp = scan_for_rsdp(ebda, 1024);
    if (!rsdp)
        rsdp = scan_for_rsdp(0xE0000, 0x20000);
    return rsdp;
}

static const struct rsdp *locate_rsdp(uint64_t rsdp_phys)
{
    if (!rsdp_phys)
        return search_bios_areas();
    const struct rsdp *rsdp = mm_map_physical(rsdp_phys, sizeof(*rsdp));
    return rsdp_valid(rsdp) ? rsdp : NULL;
}

/*
 * Maps the table at phys whole, or returns NULL when its signature, length
 * or checksum is wrong. The header is mapped first: only it says how long
 * the table is.
 */
static const struct sdt_header *map_table(uint64_t phys, const char *signature)
{
    if (phys == 0 || phys >= PHYS_LIMIT)
        return NULL;
    const struct sdt_header *header = mm_map_physical(phys, sizeof(*header));
    if (memcmp(header->signature, signature, 4) != 0)
        return NULL;
    uint32_t length = header->length;
    if (length < sizeof(*header) || length > TABLE_MAX_LENGTH)
        return NULL;
    header = mm_map_physical(phys, length);
    return checksum_ok(header, length) ? header : NULL;
}

/* Entry i of the RSDT or XSDT: a physical address, not necessarily aligned. */
static uint64_t root_entry(const struct sdt_header *root, size_t entry_size, size_t i)
{
    const uint8_t *entries = (const uint8_t *)(root + 1);
    uint64_t address = 0;
    memcpy(&address, entries + i * entry_size, entry_size); /* x86 is little-endian */
    return address;
}

static const struct fadt *find_fadt(const struct sdt_header *root, size_t entry_size)
{
    size_t count = (root->length - sizeof(*root)) / entry_size;
    for (size_t i = 0; i < count; i++) {
        const struct sdt_header *table = map_table(root_entry(root, entry_size, i), "FACP");
        if (table)
            return (const struct fadt *)table;
    }
    return NULL;
}

/* ---- reading the FADT ------------------------------------------------------- */

/*
 * A PM1 control port: the 64-bit X_ field when the FADT has one in I/O
 * space (it supersedes the 32-bit one), else the 32-bit block address.
 * 0 when there is none usable.
 */
static uint16_t pm1_port(const struct gas *extended, uint32_t legacy)
{
    if (extended && extended->space == GAS_SYSTEM_IO && extended->address != 0 &&
        extended->address <= 0xFFFF)
        return (uint16_t)extended->address;
    return legacy <= 0xFFFF ? (uint16_t)legacy : 0;
}

static bool reset_space_supported(uint8_t space)
{
    return space == GAS_SYSTEM_MEMORY || space == GAS_SYSTEM_IO || space == GAS_PCI_CONFIG;
}

/* Records the FADT's registers in acpi and returns the DSDT's address. */
static uint64_t read_fadt(const struct fadt *fadt)
{
    acpi.pm1a_cnt =
        pm1_port(FADT_HAS(fadt, x_pm1a_cnt_blk) ? &fadt->x_pm1a_cnt_blk : NULL, fadt->pm1a_cnt_blk);
    acpi.pm1b_cnt =
        pm1_port(FADT_HAS(fadt, x_pm1b_cnt_blk) ? &fadt->x_pm1b_cnt_blk : NULL, fadt->pm1b_cnt_blk);
    acpi.smi_cmd = fadt->smi_cmd <= 0xFFFF ? (uint16_t)fadt->smi_cmd : 0;
    acpi.acpi_enable = fadt->acpi_enable;

    acpi.has_reset = fadt->header.revision >= 2 && FADT_HAS(fadt, reset_value) &&
                     (fadt->flags & FADT_RESET_REG_SUP) && fadt->reset_reg.address != 0 &&
                     reset_space_supported(fadt->reset_reg.space);
    if (acpi.has_reset) {
        acpi.reset_reg = fadt->reset_reg;
        acpi.reset_value = fadt->reset_value;
    }

    if (FADT_HAS(fadt, x_dsdt) && fadt->x_dsdt != 0)
        return fadt->x_dsdt;
    return fadt->dsdt;
}

/* ---- acpi_init --------------------------------------------------------------- */

/* The RSDP's OEM ID as a printable string (it is space-padded, unterminated). */
static void oem_string(const struct rsdp *rsdp, char out[7])
{
    size_t n = 6;
    while (n > 0 && (rsdp->oem_id[n - 1] == ' ' || rsdp->oem_id[n - 1] == '\0'))
        n--;
    for (size_t i = 0; i < n; i++) {
        char c = rsdp->oem_id[i];
        out[i] = c >= ' ' && c <= '~' ? c : '?';
    }
    out[n] = '\0';
}

/* Follows the RSDP to the FADT and the DSDT; NULL or what went wrong. */
static const char *load_tables(const struct rsdp *rsdp)
{
    const struct sdt_header *root;
    const struct fadt *fadt;
    if (rsdp_has_xsdt(rsdp)) {
        if (!(root = map_table(rsdp->xsdt_address, "XSDT")))
            return "XSDT invalid";
        fadt = find_fadt(root, sizeof(uint64_t));
    } else {
        if (!(root = map_table(rsdp->rsdt_address, "RSDT")))
            return "RSDT invalid";
        fadt = find_fadt(root, sizeof(uint32_t));
    }
    if (!fadt)
        return "no valid FADT";
    if (!FADT_HAS(fadt, flags))
        return "FADT too short";

    const struct sdt_header *dsdt = map_table(read_fadt(fadt), "DSDT");
    if (!acpi.pm1a_cnt)
        return "FADT has no PM1a control port";
    if (!dsdt)
        return "DSDT missing or invalid";
    const uint8_t *aml = (const uint8_t *)(dsdt + 1);
    if (!acpi_aml_find_s5(aml, dsdt->length - sizeof(*dsdt), &acpi.slp_typa, &acpi.slp_typb))
        return "no \\_S5 package in the DSDT";
    return NULL;
}

static void describe_success(const char *version, const char *oem)
{
    char reset[48] = "no reset register";
    const struct gas *r = &acpi.reset_reg;
    if (acpi.has_reset)
        ksnprintf(reset, sizeof(reset), "reset register %s %#llx",
                  r->space == GAS_SYSTEM_IO    ? "I/O"
                  : r->space == GAS_PCI_CONFIG ? "PCI"
                                               : "memory",
                  (unsigned long long)r->address);
    ksnprintf(description, sizeof(description),
              "ACPI %s (OEM %s), FADT ok, PM1a control %#x, S5 sleep type %u/%u, %s", version, oem,
              acpi.pm1a_cnt, acpi.slp_typa, acpi.slp_typb, reset);
}

bool acpi_init(uint64_t rsdp_phys)
{
    memset(&acpi, 0, sizeof(acpi));
    const struct rsdp *rsdp = locate_rsdp(rsdp_phys);
    if (!rsdp) {
        strlcpy(description,
                rsdp_phys ? "ACPI: the RSDP from the boot loader is invalid"
                          : "ACPI: no RSDP from the boot loader or in the BIOS areas",
                sizeof(description));
        return false;
    }
    char oem[7];
    oem_string(rsdp, oem);
    const char *version = rsdp->revision >= 2 ? "2.0+" : "1.0";

    const char *problem = load_tables(rsdp);
    if (problem) {
        ksnprintf(description, sizeof(description), "ACPI %s (OEM %s), %s: power-off unavailable",
                  version, oem, problem);
        return false;
    }
    acpi.can_poweroff = true;
    describe_success(version, oem);
    return true;
}

const char *acpi_description(void)
{
    return description;
}

/* ---- power-off and reset ------------------------------------------------------ */

static void spin(long polls)
{
    for (long i = 0; i < polls; i++)
        io_wait();
}

/*
 * Firmware may boot in legacy mode, where power management belongs to SMM
 * code; writing ACPI_ENABLE to SMI_CMD hands it to the OS, and SCI_EN shows
 * when that happened. Done only at power-off, so the firmware keeps
 * handling the power button while Chalk, which has no SCI handler, runs.
 */
static void enter_acpi_mode(void)
{
    if (inw(acpi.pm1a_cnt) & PM1_SCI_EN)
        return;
    if (!acpi.smi_cmd || !acpi.acpi_enable)
        return;
    outb(acpi.smi_cmd, acpi.acpi_enable);
    for (long i = 0; i < ACPI_ENABLE_POLLS && !(inw(acpi.pm1a_cnt) & PM1_SCI_EN); i++)
        io_wait();
}

/* Read-modify-write of a PM1 control register's sleep fields. */
static void write_sleep(uint16_t port, uint8_t slp_typ, uint16_t enable)
{
    uint16_t value = inw(port) & ~(PM1_SLP_TYP_MASK | PM1_SLP_EN);
    outw(port, value | (uint16_t)(slp_typ << PM1_SLP_TYP_SHIFT) | enable);
}

/*
 * Sleep type first, then the same with SLP_EN: some chipsets want the two
 * writes apart (ACPICA does the same). PM1a and PM1b together form one
 * logical register, so both get each write.
 */
void acpi_poweroff(void)
{
    if (!acpi.can_poweroff)
        return;
    bool irq = irq_save();
    enter_acpi_mode();
    write_sleep(acpi.pm1a_cnt, acpi.slp_typa, 0);
    if (acpi.pm1b_cnt)
        write_sleep(acpi.pm1b_cnt, acpi.slp_typb, 0);
    write_sleep(acpi.pm1a_cnt, acpi.slp_typa, PM1_SLP_EN);
    if (acpi.pm1b_cnt)
        write_sleep(acpi.pm1b_cnt, acpi.slp_typb, PM1_SLP_EN);
    spin(SETTLE_POLLS);
    irq_restore(irq);
}

/*
 * PCI configuration space addresses in a GAS name a function on segment 0,
 * bus 0: device in bits 47-32, function in 31-16, register offset in 15-0.
 */
static void pci_config_write8(uint64_t address, uint8_t value)
{
    uint32_t device = (address >> 32) & 0x1F;
    uint32_t function = (address >> 16) & 0x7;
    uint32_t offset = address & 0xFF;
    outl(PCI_CONFIG_ADDRESS, 0x80000000u | device << 11 | function << 8 | (offset & 0xFC));
    outb(PCI_CONFIG_DATA + (offset & 3), value);
}

static void write_reset_register(void)
{
    const struct gas *r = &acpi.reset_reg;
    switch (r->space) {
    case GAS_SYSTEM_IO:
        outb((uint16_t)r->address, acpi.reset_value);
        break;
    case GAS_SYSTEM_MEMORY:
        *(volatile uint8_t *)mm_map_physical(r->address, 1) = acpi.reset_value;
        break;
    case GAS_PCI_CONFIG:
        pci_config_write8(r->address, acpi.reset_value);
        break;
    }
}

/* The 8042 drives the CPU's reset line; command 0xFE pulses it. */
static void pulse_8042_reset(void)
{
    for (long i = 0; i < KBC_POLLS && (inb(KBC_STATUS) & KBC_INPUT_FULL); i++)
        io_wait();
    outb(KBC_STATUS, KBC_PULSE_RESET);
}

/*
 * With an empty IDT, int3 cannot be delivered, nor can the double fault
 * that follows: the third fault makes the CPU reset itself.
 */
__attribute__((noreturn)) static void triple_fault(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) empty_idt = {0, 0};
    __asm__ volatile("lidt %0; int3" : : "m"(empty_idt) : "memory");
    for (;;)
        cpu_halt();
}

void acpi_reboot(void)
{
    interrupts_disable();
    if (acpi.has_reset) {
        write_reset_register();
        spin(SETTLE_POLLS);
    }
    pulse_8042_reset();
    spin(SETTLE_POLLS);
    triple_fault();
}
