#!/usr/bin/env bash
# Runs the whole test suite: unit tests (*Test) and integration tests (*IT) of every module.
# Extra arguments go to Maven, e.g. scripts/test.sh -pl triggers/http -am
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/java-env.sh
echo "==> Testing with $("$JAVA_HOME/bin/java" -version 2>&1 | head -n1) from $JAVA_HOME"
# install, not just verify: the CLI's integration tests (CliBuildIT) run Maven on user projects that depend on
# nucleon-function-api, which that separate Maven finds only in the local repository. In the reactor each module
# is installed before the next one is built, so function-api is there when the cli module's tests run.
exec mvn -B --no-transfer-progress -Dstyle.color=never install "$@"
