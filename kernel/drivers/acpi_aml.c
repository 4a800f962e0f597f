/*
 * Just enough AML (ACPI specification 6.5, chapter 20) to read \_S5.
 *
 * AML is the bytecode of the DSDT: a tree of named objects and methods that
 * a real OS runs in an interpreter. Soft-off needs only the two integers of
 * one object, and firmware writes that object the same way everywhere:
 *
 *   08           NameOp
 *   5C           '\' (optional root prefix; '^' is seen too)
 *   5F 53 35 5F  "_S5_"
 *   12           PackageOp
 *   nn ...       PkgLength (1-4 bytes)
 *   nn           NumElements
 *   elements     SLP_TYPa, SLP_TYPb, ...: each Zero (00), One (01) or a
 *                BytePrefix (0A nn), WordPrefix (0B), DWordPrefix (0C) ...
 *
 * So the parser searches the bytes for that pattern instead of walking the
 * tree. A false match (the name inside a method body) fails to parse and the
 * search continues. The AML is firmware input: every read is bounded by the
 * table's end and by the package's own length.
 */
#include "drivers/acpi_aml.h"

#include "lib/string.h"

/* AML opcodes (specification chapter 20). */
#define AML_ZERO         0x00
#define AML_ONE          0x01
#define AML_NAME         0x08
#define AML_BYTE_PREFIX  0x0A
#define AML_WORD_PREFIX  0x0B
#define AML_DWORD_PREFIX 0x0C
#define AML_QWORD_PREFIX 0x0E
#define AML_PACKAGE      0x12
#define AML_ONES         0xFF
#define AML_ROOT_CHAR    '\\'
#define AML_PARENT_CHAR  '^'

/* A read position in AML that never moves past end. */
struct aml {
    const uint8_t *p;
    const uint8_t *end;
};

static bool aml_byte(struct aml *aml, uint8_t *byte)
{
    if (aml->p >= aml->end)
        return false;
    *byte = *aml->p++;
    return true;
}

/* n little-endian bytes. */
static bool aml_bytes(struct aml *aml, unsigned n, uint64_t *value)
{
    *value = 0;
    for (unsigned i = 0; i < n; i++) {
        uint8_t byte;
        if (!aml_byte(aml, &byte))
            return false;
        *value |= (uint64_t)byte << (8 * i);
    }
    return true;
}

/*
 * PkgLength: bits 7-6 of the first byte count the bytes that follow (0-3).
 * With none, bits 5-0 are the length; otherwise bits 3-0 are its low
 * nibble and each following byte adds 8 more bits. The length counts from
 * the first PkgLength byte.
 */
static bool aml_pkg_length(struct aml *aml, uint64_t *length)
{
    uint8_t lead;
    if (!aml_byte(aml, &lead))
        return false;
    unsigned follow = lead >> 6;
    if (follow == 0) {
        *length = lead & 0x3F;
        return true;
    }
    uint64_t rest;
    if (!aml_bytes(aml, follow, &rest))
        return false;
    *length = (lead & 0x0F) | rest << 4;
    return true;
}

/* An integer constant: Zero, One, Ones or a Byte/Word/DWord/QWord prefix. */
static bool aml_integer(struct aml *aml, uint64_t *value)
{
    uint8_t op;
    if (!aml_byte(aml, &op))
        return false;
    switch (op) {
    case AML_ZERO:
        *value = 0;
        return true;
    case AML_ONE:
        *value = 1;
        return true;
    case AML_ONES:
        *value = ~0ULL;
        return true;
    case AML_BYTE_PREFIX:
        return aml_bytes(aml, 1, value);
    case AML_WORD_PREFIX:
        return aml_bytes(aml, 2, value);
    case AML_DWORD_PREFIX:
        return aml_bytes(aml, 4, value);
    case AML_QWORD_PREFIX:
        return aml_bytes(aml, 8, value);
    }
    return false;
}

/*
 * Parses what follows the name in Name(_S5, Package() {SLP_TYPa, SLP_TYPb,
 * ...}): PackageOp PkgLength NumElements element element. The package's
 * own length bounds the elements.
 */
static bool parse_s5_package(struct aml aml, uint8_t *slp_typa, uint8_t *slp_typb)
{
    uint8_t op, count;
    uint64_t length, typa, typb;
    if (!aml_byte(&aml, &op) || op != AML_PACKAGE)
        return false;
    const uint8_t *start = aml.p; /* PkgLength counts from here */
    if (!aml_pkg_length(&aml, &length))
        return false;
    if (length > (uint64_t)(aml.end - start))
        return false;
    aml.end = start + length;
    if (!aml_byte(&aml, &count) || count < 2)
        return false;
    if (!aml_integer(&aml, &typa) || !aml_integer(&aml, &typb))
        return false;
    /* SLP_TYP is a 3-bit field. */
    *slp_typa = typa & 7;
    *slp_typb = typb & 7;
    return true;
}

/* True when the name at aml[i] is the one a NameOp (0x08) defines. */
static bool defined_by_name_op(const uint8_t *aml, size_t i)
{
    if (aml[i - 1] == AML_NAME)
        return true;
    bool prefixed = aml[i - 1] == AML_ROOT_CHAR || aml[i - 1] == AML_PARENT_CHAR;
    return prefixed && i >= 2 && aml[i - 2] == AML_NAME;
}

/*
 * Finds Name(_S5, ...) in the DSDT's AML by its bytes: "_S5_" right after a
 * NameOp (with an optional '\' or '^' prefix). A match that does not parse,
 * such as a reference to \_S5 inside a method, is skipped.
 */
bool acpi_aml_find_s5(const uint8_t *aml, size_t length, uint8_t *slp_typa, uint8_t *slp_typb)
{
    for (size_t i = 1; i + 4 <= length; i++) {
        if (memcmp(aml + i, "_S5_", 4) != 0 || !defined_by_name_op(aml, i))
            continue;
        struct aml rest = {aml + i + 4, aml + length};
        if (parse_s5_package(rest, slp_typa, slp_typb))
            return true;
    }
    return false;
}
