/*
 * The kernel command line: words separated by spaces, each either a flag
 * ("selftest") or key=value ("panic=poweroff").
 */
#include "boot/bootinfo.h"

#include <stddef.h>

/*
 * Looks for key as a flag (want_value false) or as key=value (copying the
 * value). Words are compared whole: "self" does not match "selftest".
 */
static bool find_word(const char *cmdline, const char *key, bool want_value, char *value,
                      unsigned size)
{
    const char *p = cmdline;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break; /* trailing spaces: no empty word to match */
        const char *word = p;
        while (*p && *p != ' ')
            p++;
        size_t i = 0;
        while (key[i] && word + i < p && word[i] == key[i])
            i++;
        if (key[i] != '\0')
            continue;
        if (!want_value && word + i == p)
            return true;
        if (want_value && word + i < p && word[i] == '=') {
            const char *v = word + i + 1;
            unsigned n = 0;
            while (v + n < p && n + 1 < size) {
                value[n] = v[n];
                n++;
            }
            if (size)
                value[n] = '\0';
            return true;
        }
    }
    return false;
}

bool cmdline_has(const char *cmdline, const char *word)
{
    return find_word(cmdline, word, false, NULL, 0);
}

bool cmdline_get(const char *cmdline, const char *key, char *value, unsigned size)
{
    return find_word(cmdline, key, true, value, size);
}
