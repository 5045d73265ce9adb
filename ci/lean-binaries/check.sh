#!/usr/bin/env bash
# The shipped binaries stay free of full Foundation (issue #10, "Lean binaries"): full
# Foundation brings FoundationInternationalization and ICU with its data, ~50 MiB per binary.
#
#   ci/lean-binaries/check.sh              # the shipped targets' sources (fast, no build)
#   ci/lean-binaries/check.sh BINARY...    # and these built binaries
#
# Sources: no file of a shipped target imports Foundation, FoundationInternationalization, or
# the packages that import full Foundation themselves (Yams, FlyingFox's HTTP layer).
# Binaries (the authority: they also see what a dependency pulls in): a dynamically linked one
# must not load libFoundation, libFoundationInternationalization or lib_FoundationICU (ldd);
# a statically linked one must carry no Foundation or ICU symbols (nm; needs an unstripped
# binary, as `swift build` leaves it).
set -euo pipefail
cd "$(dirname "$0")/../.."

# The executables and every library they use (Package.swift); tests, the sandbox, TestSupport
# and the stand-in node may use full Foundation.
shipped=(Reporter Aggregator ForgeCore KubeClient ForgeNode ForgeCLI ForgeHTTP)
failed=0

pattern='^[[:space:]]*(@[A-Za-z_]+[[:space:]]+)*((public|package|internal|fileprivate|private)[[:space:]]+)?import[[:space:]]+((typealias|struct|class|enum|protocol|let|var|func)[[:space:]]+)?(Foundation|FoundationInternationalization|FoundationNetworking|Yams|FlyingFox)([[:space:]]|\.|$)'
for target in "${shipped[@]}"; do
  if hits=$(grep -rnE "$pattern" "Sources/$target" --include='*.swift'); then
    echo "lean-binaries: shipped target $target imports full Foundation (or a package that does); use FoundationEssentials:" >&2
    echo "$hits" >&2
    failed=1
  fi
done

for binary in "$@"; do
  [ -f "$binary" ] || { echo "lean-binaries: $binary does not exist" >&2; failed=1; continue; }
  if readelf -d "$binary" | grep -q '(NEEDED).*libswiftCore'; then
    if libs=$(ldd "$binary" | grep -E 'lib(Foundation|FoundationInternationalization|_FoundationICU|FoundationNetworking|FoundationXML)\.so'); then
      echo "lean-binaries: $binary loads full Foundation:" >&2
      echo "$libs" >&2
      failed=1
    fi
  else
    symbols=$(mktemp)
    nm "$binary" > "$symbols" 2>/dev/null || true
    if [ ! -s "$symbols" ]; then
      echo "lean-binaries: $binary has no symbol table (stripped?); check the unstripped build" >&2
      rm -f "$symbols"
      failed=1
      continue
    fi
    found=$(grep -m 5 -E '\$s10Foundation|\$s30FoundationInternationalization|icu_[0-9]+|icudt[0-9]+_dat' "$symbols" || true)
    rm -f "$symbols"
    if [ -n "$found" ]; then
      echo "lean-binaries: $binary contains full Foundation or ICU, e.g.:" >&2
      echo "$found" >&2
      failed=1
    fi
  fi
done

if [ "$failed" -ne 0 ]; then
  exit 1
fi
echo "lean-binaries: shipped sources${*:+ and $*} free of full Foundation"
