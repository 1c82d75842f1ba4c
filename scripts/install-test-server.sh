#!/usr/bin/env bash
# Installs Temporal's time-skipping test server (the one `TestWorkflowEnvironment.createTimeSkipping`
# runs) for the workflow unit tests. The SDK would download a native build of it at run time; here
# it comes from Maven Central instead (io.temporal:temporal-test-server, run on the machine's Java),
# resolved once per machine into the user's cache and linked into tools/ of this checkout.
set -euo pipefail
VERSION="1.31.0"
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${RETRIEVER_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/retriever}/temporal-test-server-$VERSION"
link="$root/tools/temporal-test-server"

if [ ! -x "$cache/temporal-test-server" ]; then
  for tool in java mvn; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "error: the Temporal test server needs '$tool' (Java 11+ and Maven) to install; it is not on PATH." >&2
      exit 1
    fi
  done
  echo "Resolving Temporal's test server $VERSION from Maven Central into $cache (once per machine)..." >&2
  mkdir -p "$cache"
  cat > "$cache/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>retriever</groupId><artifactId>temporal-test-server</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>io.temporal</groupId><artifactId>temporal-test-server</artifactId><version>$VERSION</version></dependency>
  </dependencies>
</project>
POM
  mvn -q -f "$cache/pom.xml" dependency:copy-dependencies -DoutputDirectory="$cache/lib"
  # The SDK starts the server as `<executable> <port>`.
  cat > "$cache/temporal-test-server" <<'SH'
#!/usr/bin/env bash
exec java -cp "$(dirname "$(readlink -f "$0")")/lib/*" io.temporal.testserver.TestServer "$@"
SH
  chmod +x "$cache/temporal-test-server"
fi
mkdir -p "$root/tools"
ln -sfn "$cache/temporal-test-server" "$link"
echo "Temporal test server: $link -> $cache/temporal-test-server" >&2
