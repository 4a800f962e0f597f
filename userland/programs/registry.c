/* Looking programs up in the registry (see <programs.h> for how it is built). */
#include <programs.h>
#include <string.h>

const struct program *program_find(const char *name)
{
    for (const struct program *p = __programs_start; p < __programs_end; p++) {
        if (strcmp(p->name, name) == 0)
            return p;
    }
    return NULL;
}
