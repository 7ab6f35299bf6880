#!/usr/bin/env bash
# Builds Vouch, runs the demo agent, then audits its journal with the packaged vouch CLI.
# Needs JDK 17+ and Maven 3.8+; the first run downloads dependencies from Maven Central.
set -euo pipefail
cd "$(dirname "$0")"

for tool in java mvn; do
  command -v "$tool" >/dev/null || { echo "demo.sh: '$tool' not found on PATH (need JDK 17+ and Maven 3.8+)" >&2; exit 2; }
done

echo "Building Vouch and its CLI (quietly; the first run downloads dependencies and takes a few minutes)..."
mvn -B -q -Dstyle.color=never -DskipTests -Pdemo -pl examples,vouch-cli -am package

demo=target/vouch-demo
echo
echo "An auditor checks the same journal offline with the vouch CLI, trusting only the public key:"
echo "\$ vouch-cli/target/vouch verify $demo/journal --pubkey $demo/vouch.pub --checkpoint $demo/checkpoint.txt"
vouch-cli/target/vouch verify "$demo/journal" --pubkey "$demo/vouch.pub" --checkpoint "$demo/checkpoint.txt"
echo
echo "The causal story of ticket 5, rebuilt from the journal: the refund waited for a person, who refused it."
echo "\$ vouch-cli/target/vouch tasks $demo/journal ticket-5"
vouch-cli/target/vouch tasks "$demo/journal" ticket-5
echo
echo "Next: vouch-cli/target/vouch show $demo/journal | less     (every record)"
echo "      vouch-cli/target/vouch export $demo/journal --format jsonl > $demo/journal.jsonl"
echo "      python3 tools/verify-journal.py $demo/journal.jsonl --pubkey $demo/vouch.pub   (a verifier written from docs/FORMAT.md alone)"
