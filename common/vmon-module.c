#include "config.h"

#include "vmon-module.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmon-util.h"

#ifndef VIRTMON_PKGLIBDIR
#error "the build defines VIRTMON_PKGLIBDIR"
#endif
#ifndef VIRTMON_BUILDDIR
#error "the build defines VIRTMON_BUILDDIR"
#endif

/* Whether path (resolved) lies inside the build tree this core was built in. */
static bool
in_build_tree(const char *path)
{
    size_t n = strlen(VIRTMON_BUILDDIR);
    char *real = path && *path ? realpath(path, NULL) : NULL;
    bool inside = real && strncmp(real, VIRTMON_BUILDDIR, n) == 0 && real[n] == '/';

    free(real);
    return inside;
}

/*
 * Where modules are: a program (or plugin) run from the build tree it was
 * built in loads that tree's modules, as libvirt's daemons do with their
 * drivers, so that nobody has to install or point anywhere to try it;
 * installed, it loads the installed ones.
 */
static const char *
module_dirs(void)
{
    Dl_info self;

    if (in_build_tree("/proc/self/exe") ||
        (dladdr((void *) module_dirs, &self) && in_build_tree(self.dli_fname)))
        return VIRTMON_BUILDDIR "/common/.libs";
    return VIRTMON_PKGLIBDIR;
}

const void *
vmon_module_ops(const char *file, const char *symbol, unsigned abi, const char *purpose)
{
    const char *dirs = getuid() == geteuid() ? getenv("VIRTMON_MODULE_DIR") : NULL;
    char path[1024], first_error[2048] = "";
    void *h = NULL;

    if (!dirs || !*dirs)
        dirs = module_dirs();
    while (!h && *dirs) {
        size_t n = strcspn(dirs, ":");
        /* an empty entry, or one too long to be ours, is skipped */
        bool usable = n > 0 && snprintf(path, sizeof(path), "%.*s/%s", (int) n, dirs, file)
                                   < (int) sizeof(path);
        dirs += n + (dirs[n] == ':');
        if (!usable)
            continue;
        h = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
        if (!h && !first_error[0])
            snprintf(first_error, sizeof(first_error), "cannot load %s: %s", path, dlerror());
    }
    if (!h) {
        vmon_error_set("%s (it %s)", first_error[0] ? first_error : "no module directory",
                 purpose);
        return NULL;
    }
    const unsigned *ops = dlsym(h, symbol);
    if (!ops || *ops != abi) {
        vmon_error_set("%s is not from this build of virtmon (%s)", path,
                 ops ? "layouts differ" : "no ops table");
        return NULL;
    }
    return ops;
}
