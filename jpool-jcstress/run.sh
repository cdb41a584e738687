#!/usr/bin/env bash
# jcstress tests of jpool's futures.
#   ./run.sh short            the verify gate (~35 s on 2 cores): one fork per test, one JVM flag set
#   ./run.sh full             jcstress's default preset over every JVM configuration it detects (long)
#   ./run.sh canary           runs only a deliberately racy test; succeeds if the gate FAILS on it
#   ./run.sh full -t Cancel   extra jcstress options after the mode (-t replaces the test selection)
# JAVA_HOME picks the JDK (e.g. JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 ./run.sh short).
# Report: jpool-jcstress/target/jcstress-report/index.html
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-short}
shift || true
mvn_run() {
    mvn -B -ntp -pl jpool-jcstress -am verify -DskipTests -Djcstress.mode="$mode" -Djcstress.extra="$*"
}
if [ "$mode" = canary ]; then
    if mvn_run "$@"; then
        echo "canary: the gate did NOT fail on a racy test: it is broken" >&2
        exit 1
    fi
    echo "canary: OK, the gate failed the build on the racy test as it must"
    exit 0
fi
mvn_run "$@"
