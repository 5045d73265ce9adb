// libyaml (Debian libyaml-dev, runtime libyaml-0-2) for reading kubeconfig files. Yams, the
// Swift YAML package, imports full Foundation; the shipped binaries must not.
#ifndef CYAML_SHIM_H
#define CYAML_SHIM_H

#include <yaml.h>

#endif
