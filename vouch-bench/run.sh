#!/usr/bin/env bash
# Runs the Vouch benchmarks as a few JMH invocations, then writes results.md and a chart beside the JSON results.
#
#   vouch-bench/run.sh [--full] [--out DIR] [--dry-run] [-- extra JMH options]
#
# Quick (default, 3 to 5 minutes): 256 B payloads, 1 and 2 producers, verification on 1 M records, ingest after
# 2 M records, 1 s iterations. --full (about 40 minutes): every parameter with the annotated iterations,
# verification on 10 M records, ingest after 20 M. --dry-run prints the JMH commands and runs nothing.
#
# Output: vouch-bench/results/<yyyy-MM-dd-HHmmss>/ (then copied to vouch-bench/results/latest/), or --out DIR:
# one <group>.json and <group>.log per JMH invocation, run.properties, results.md, throughput-by-producers.svg.
# Options after -- go to every JMH invocation and replace the script's own value of the same option
# (e.g. -- -f 3, or -- -p payloadBytes=64). A failing group does not stop the others; the script then exits 1
# and names it. Environment: JAVA_HOME (else java on PATH); JAVA_OPTS for the JMH launcher JVM
# (e.g. -Djmh.ignoreLock=true); MVN_ARGS for the build (e.g. -o).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
JAR=$BENCH_DIR/target/benchmarks.jar
RESULTS=$BENCH_DIR/results
if [[ -n ${JAVA_HOME:-} ]]; then JAVA=$JAVA_HOME/bin/java; else JAVA=java; fi

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
}

mode=quick
dry=false
out=
extra=()
while (($#)); do
  case $1 in
    --full) mode=full ;;
    --smoke) mode=smoke ;; # not in the usage: a few seconds per benchmark, to check the pipeline JSON -> report
    --dry-run) dry=true ;;
    --out) out=${2:?run.sh: --out needs a directory}; shift ;;
    --out=*) out=${1#--out=} ;;
    -h | --help) usage; exit 0 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "run.sh: unknown option '$1' (JMH options go after --)" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

command -v "$JAVA" >/dev/null 2>&1 || { echo "run.sh: no java (set JAVA_HOME or put java on PATH)" >&2; exit 2; }
read -r -a java_opts <<<"${JAVA_OPTS:-}"
read -r -a mvn_args <<<"${MVN_ARGS:-}"

# --- build benchmarks.jar when it is missing or older than any source or pom of the reactor -----------------------
stale() {
  [[ ! -f $JAR ]] && return 0
  [[ -n $(find "$ROOT" \( -name target -o -name .git -o -path "$RESULTS" \) -prune -o \
    \( -path '*/src/main/*' -o -name pom.xml \) -type f -newer "$JAR" -print 2>/dev/null | head -n 1) ]]
}
build_cmd="mvn -B -q -DskipTests ${mvn_args[*]+${mvn_args[*]} }package -pl vouch-bench -am"
if stale; then
  echo "==> building $JAR: $build_cmd"
  (cd "$ROOT" && mvn -B -q -DskipTests ${mvn_args[@]+"${mvn_args[@]}"} package -pl vouch-bench -am)
fi

# --- output directory ------------------------------------------------------------------------------------------------
stamp=$(date +%Y-%m-%d-%H%M%S)
default_out=false
if [[ -z $out ]]; then out=$RESULTS/$stamp; default_out=true; fi
[[ $dry == true ]] || mkdir -p "$out"
[[ $dry == true ]] || out=$(cd "$out" && pwd)
if [[ $dry == false && -n $(find "$out" -maxdepth 1 -name '*.json' -print 2>/dev/null | head -n 1) ]]; then
  echo "run.sh: warning: $out already holds JSON results; the report reads every *.json there" >&2
fi
cd "$ROOT"

available=$("$JAVA" ${java_opts[@]+"${java_opts[@]}"} -cp "$JAR" org.openjdk.jmh.Main -l)

# --- helpers ---------------------------------------------------------------------------------------------------------
# A shell word as a reader would type it: plain, or in single quotes; paths inside the repository made relative.
shown() {
  local a=${1#"$ROOT"/}
  if [[ $a =~ ^[A-Za-z0-9_./:=,+@%-]+$ ]]; then printf '%s' "$a"; else printf "'%s'" "${a//\'/\'\\\'\'}"; fi
}
# run.properties value: backslashes doubled, newlines escaped.
prop() {
  [[ $dry == false ]] || return 0
  local v=${2//\\/\\\\}
  v=${v//$'\n'/\\n}
  printf '%s=%s\n' "$1" "$v" >>"$out/run.properties"
}
# Whether the options after -- set $1 (for -p, the same parameter as $2): then the script's own value is dropped.
user_sets() {
  local j
  [[ $1 == -prof ]] && return 1
  for ((j = 0; j < ${#extra[@]}; j++)); do
    if [[ ${extra[j]} == "$1" ]]; then
      [[ $1 != -p ]] && return 0
      [[ ${extra[j + 1]:-} == "${2%%=*}="* ]] && return 0
    fi
  done
  return 1
}

n=0
failed=()
missing=()
# run_group NAME "INCLUDE-REGEX..." [JMH option value]...: one JMH invocation, results in NAME.json, output in NAME.log.
run_group() {
  local name=$1 regexes=$2 r i
  shift 2
  local includes=() opts=()
  set -f # the regexes are split on blanks, never globbed
  for r in $regexes; do
    if grep -Eq -- "$r" <<<"$available"; then
      includes+=("$r")
    else
      missing+=("$r")
      echo "run.sh: [$name] no benchmark in the jar matches $r: not run" >&2
    fi
  done
  set +f
  local args=("$@")
  for ((i = 0; i < ${#args[@]}; i += 2)); do
    user_sets "${args[i]}" "${args[i + 1]}" || opts+=("${args[i]}" "${args[i + 1]}")
  done
  n=$((n + 1))
  prop "group.$n" "$name"
  if ((${#includes[@]} == 0)); then
    prop "command.$n" "(none: no benchmark of this group in the jar)"
    prop "status.$n" "was skipped: none of its benchmarks is in the jar"
    return 0
  fi
  local cmd=("$JAVA" ${java_opts[@]+"${java_opts[@]}"} -jar "$JAR" "${includes[@]}" ${opts[@]+"${opts[@]}"}
    ${extra[@]+"${extra[@]}"} -rf json -rff "$out/$name.json")
  local line="" a
  for a in "${cmd[@]}"; do line+="$(shown "$a") "; done
  line=${line% }
  prop "command.$n" "$line"
  echo "==> [$name] $line"
  if [[ $dry == true ]]; then return 0; fi
  local rc=0
  set +e
  "${cmd[@]}" 2>&1 | tee "$out/$name.log"
  rc=${PIPESTATUS[0]}
  set -e
  # Without -foe JMH goes on past a benchmark that throws and still exits 0: its "<failure" lines tell.
  if ((rc == 0)) && grep -q '<failure' "$out/$name.log"; then
    prop "status.$n" "failed (a benchmark threw: see $name.log)"
    failed+=("$name")
  elif ((rc == 0)); then
    prop "status.$n" "ok"
  else
    prop "status.$n" "failed (exit $rc)"
    failed+=("$name")
    if grep -q "Unable to acquire the JMH lock" "$out/$name.log"; then
      echo "run.sh: [$name] another JMH run holds /tmp/jmh.lock; wait for it (or JAVA_OPTS=-Djmh.ignoreLock=true)" >&2
    fi
  fi
}

# cpu_budget EVENTS ROUNDS: the CpuBudget harness (CPU per event of the pipeline against its unavoidable parts),
# output in cpu-budget.txt; JMH cannot measure CPU time, so it runs beside the JMH groups.
cpu_budget() {
  local newer=()
  if "$JAVA" -XshowSettings:properties -version 2>&1 | grep -Eq 'java\.specification\.version = (2[3-9]|[3-9][0-9])'; then
    newer=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
  fi
  local cmd=("$JAVA" ${java_opts[@]+"${java_opts[@]}"} $(unzip -p "$JAR" dev/vouch/bench/jvm-flags.txt)
    ${newer[@]+"${newer[@]}"} -Dchronicle.announcer.disable=true -cp "$JAR" dev.vouch.bench.CpuBudget "$1" "$2")
  n=$((n + 1))
  prop "group.$n" "cpu-budget"
  prop "command.$n" "${cmd[*]}"
  echo "==> [cpu-budget] ${cmd[*]}"
  if [[ $dry == true ]]; then return 0; fi
  if "${cmd[@]}" 2>&1 | tee "$out/cpu-budget.txt"; then
    prop "status.$n" "ok"
  else
    prop "status.$n" "failed"
    failed+=("cpu-budget")
  fi
}

# --- run.properties --------------------------------------------------------------------------------------------------
[[ $dry == true ]] || : >"$out/run.properties"
prop mode "$mode"
prop start "$(date +%Y-%m-%dT%H:%M:%S%z)"
commit=$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null || true)
if [[ -n $commit && -n $(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null) ]]; then
  commit+="-dirty"
fi
prop git.commit "${commit:-unknown (not a git checkout)}"
java_version=$("$JAVA" -version 2>&1 | tr '\n' ' ')
prop java "${java_version% }"
prop build "$build_cmd"
if ((${#extra[@]} > 0)); then prop jmh.extra "${extra[*]}"; fi

# --- the groups ------------------------------------------------------------------------------------------------------
P='\.RecordThroughputBenchmark\.'
B='\.BaselineBenchmark\.'
L='\.Log4jBaselineBenchmark\.'
# "record" was RecordThroughputBenchmark's one method before the producer counts: one producer.
case $mode in
  quick)
    echo "==> quick run: 3 to 5 minutes (--full for every parameter with the annotated iterations)"
    Q=(-f 1 -wi 1 -w 1s -i 3 -r 1s)
    run_group throughput "${P}(oneProducer|record)\$ ${P}twoProducers\$ ${B}chronicleAppend\$ ${B}sha256\$
        ${B}ed25519Sign\$ ${B}disruptorHandoff\$ ${L}oneThread\$ ${L}twoThreads\$" \
      "${Q[@]}" -p payloadBytes=256 -p signing=CHECKPOINT,PER_EVENT
    # Burst iterations keep their annotated 1 s on a fresh journal: a longer burst would no longer fit in memory.
    run_group burst '\.BurstBenchmark\.record$ \.BurstBenchmark\.chronicleAppend$' \
      -f 1 -wi 1 -i 3 -p payloadBytes=256
    run_group latency '\.RecordLatencyBenchmark\.record$ \.RecordLatencyBenchmark\.recordJournaled$
        \.GuardCallBenchmark\.' "${Q[@]}" -p payloadBytes=256
    run_group verify-ingest '\.VerifyBenchmark\.verify$ \.IngestGrowthBenchmark\.record$' \
      "${Q[@]}" -p payloadBytes=256 -p records=1000000 -p preexistingRecords=0,2000000
    run_group reopen '\.ReopenBenchmark\.open$' -p records=1000000
    run_group synced '\.SyncedBenchmark\.' "${Q[@]}"
    run_group policy '\.PolicyEvaluationBenchmark\.evaluate$' "${Q[@]}"
    run_group gc "${P}(oneProducer|record)\$" "${Q[@]}" -p payloadBytes=256 -p signing=CHECKPOINT -prof gc
    cpu_budget 1000000 5
    ;;
  full)
    echo "==> full run: about 40 minutes"
    run_group throughput "${P}(oneProducer|record)\$ ${P}twoProducers\$ ${P}fourProducers\$ ${B}chronicleAppend\$
        ${B}sha256\$ ${B}ed25519Sign\$ ${B}disruptorHandoff\$ ${L}oneThread\$ ${L}twoThreads\$ ${L}fourThreads\$" \
      -p signing=CHECKPOINT,PER_EVENT
    run_group burst '\.BurstBenchmark\.record$ \.BurstBenchmark\.chronicleAppend$'
    run_group latency '\.RecordLatencyBenchmark\.record$ \.RecordLatencyBenchmark\.recordJournaled$
        \.RecordLatencyBenchmark\.recordSealed$ \.GuardCallBenchmark\.'
    cpu_budget 2000000 5
    run_group verify-ingest '\.VerifyBenchmark\.verify$ \.IngestGrowthBenchmark\.record$' \
      -p records=10000000 -p preexistingRecords=0,20000000
    run_group reopen '\.ReopenBenchmark\.open$' -p records=1000000,20000000
    run_group synced '\.SyncedBenchmark\.'
    run_group policy '\.PolicyEvaluationBenchmark\.evaluate$'
    run_group gc "${P}(oneProducer|record)\$" -p payloadBytes=256 -p signing=CHECKPOINT -prof gc
    ;;
  smoke)
    echo "==> smoke run: checks JMH -> JSON -> report; the numbers mean nothing"
    S=(-f 1 -wi 0 -i 1 -r 300ms)
    run_group throughput "${P}(oneProducer|record)\$ ${B}sha256\$ ${B}chronicleAppend\$ ${B}ed25519Sign\$" \
      "${S[@]}" -p payloadBytes=256 -p signing=CHECKPOINT,PER_EVENT
    run_group gc "${P}(oneProducer|record)\$" "${S[@]}" -p payloadBytes=256 -p signing=CHECKPOINT -prof gc
    ;;
esac

if [[ $dry == true ]]; then exit 0; fi
prop end "$(date +%Y-%m-%dT%H:%M:%S%z)"
if ((${#missing[@]} > 0)); then
  list=""
  for r in "${missing[@]}"; do list+="${list:+, }\`$r\`"; done
  prop missing "$list"
fi

# --- report ----------------------------------------------------------------------------------------------------------
report_rc=0
"$JAVA" -cp "$JAR" dev.vouch.bench.report.ReportMain "$out" || report_rc=$?
if [[ $default_out == true && $mode != smoke ]]; then
  rm -rf "$RESULTS/latest"
  cp -R "$out" "$RESULTS/latest"
  # The committed copy keeps scores, errors and percentiles, not JMH's raw samples (megabytes for a latency run).
  if command -v python3 >/dev/null; then
    python3 "$ROOT/vouch-bench/strip-raw.py" "$RESULTS"/latest/*.json
  fi
  echo "==> copied to $RESULTS/latest"
fi
echo "==> results: $out"
((${#missing[@]} == 0)) || echo "run.sh: not in this jar, so not run: ${missing[*]}" >&2
if ((${#failed[@]} > 0)); then
  for g in "${failed[@]}"; do echo "run.sh: FAILED: group $g (see $out/$g.log)" >&2; done
  exit 1
fi
if ((report_rc != 0)); then
  echo "run.sh: FAILED: the report (exit $report_rc)" >&2
  exit 1
fi
