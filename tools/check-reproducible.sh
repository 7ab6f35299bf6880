#!/usr/bin/env bash
# Builds the library jars twice from clean and checks that they are byte for byte the same
# (project.build.outputTimestamp in the root pom fixes every entry's time). Exit 0 when identical.
# Usage: tools/check-reproducible.sh        (about a minute; needs the dependencies, e.g. after mvn verify)
set -euo pipefail
cd "$(dirname "$0")/.."
jars='vouch-core/target/*.jar vouch-ledger/target/*.jar vouch-policy/target/*.jar vouch-cli/target/*.jar'
build() { mvn -B -q clean install -DskipTests -Denforcer.skip >/dev/null; sha256sum $jars; }
first=$(build)
second=$(build)
if [[ "$first" == "$second" ]]; then
  echo "reproducible: $(wc -l <<<"$first") jars identical across two clean builds"
else
  echo "NOT reproducible:" >&2
  diff <(echo "$first") <(echo "$second") >&2 || true
  exit 1
fi
