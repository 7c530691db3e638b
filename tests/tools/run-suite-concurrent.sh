#!/bin/sh
# Two runs of one suite name at once (two make invocations in one tree):
# each must be scored on its own output, and the published log and
# score must belong to one run. Before run-suite kept a private copy,
# both wrote one file and scored a mix (plans that did not match).
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
name=selftest-run-suite-concurrent
tap='i=1; while [ $i -le $0 ]; do echo "ok $i - $1"; i=$((i + 1)); done; echo "1..$0"; exit 1'

"$root/tools/run-suite" "$name" -- sh -c "$tap" 3000 a \
	>"$root/build/logs/$name.a" &
a=$!
"$root/tools/run-suite" "$name" -- sh -c "$tap" 2000 b \
	>"$root/build/logs/$name.b"
wait "$a"
n=0
fail() { echo "not ok $1 - $2"; n=$((n + 1)); }
grep -q "PASS .* 3000 passed" "$root/build/logs/$name.a" && echo "ok 1 - run a scored on its own output" ||
	fail 1 "run a: $(cat "$root/build/logs/$name.a")"
grep -q "PASS .* 2000 passed" "$root/build/logs/$name.b" && echo "ok 2 - run b scored on its own output" ||
	fail 2 "run b: $(cat "$root/build/logs/$name.b")"
res=$(cat "$root/build/results/$name.res")
lines=$(grep -c '^ok ' "$root/build/logs/$name.log")
case "$res" in
"$name $lines 0 0") echo "ok 3 - the published log and score are one run's ($lines)" ;;
*) fail 3 "published score '$res' with a log of $lines results" ;;
esac
rm -f "$root/build/logs/$name".* "$root/build/results/$name".*
echo "1..3"
exit 0
