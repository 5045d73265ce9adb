// libsodium (Debian libsodium-dev) for BLAKE2b: the pool id is BLAKE2b-224 of the cold
// verification key, a KES verification key BLAKE2b-256 of its two halves.
#ifndef CSODIUM_SHIM_H
#define CSODIUM_SHIM_H

#include <sodium.h>

#endif
