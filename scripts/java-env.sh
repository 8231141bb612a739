# Sourced by the other scripts: points JAVA_HOME at a JDK 21+ and checks that Maven is there.
# Order: JAVA_HOME if it is a JDK 21+, then `javac` on the PATH, then the newest JDK 21+ under the
# usual install folders. Stops with a clear message when none is found.

nucleon_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java.specification.version = //p' | head -n1 | cut -d. -f1
}

nucleon_is_jdk21() {
  [[ -n "$1" && -x "$1/bin/java" && -x "$1/bin/javac" ]] || return 1
  local major
  major="$(nucleon_java_major "$1")"
  [[ -n "$major" && "$major" -ge 21 ]]
}

nucleon_find_jdk() {
  if nucleon_is_jdk21 "${JAVA_HOME:-}"; then
    echo "$JAVA_HOME"
    return 0
  fi
  local javac_path
  javac_path="$(command -v javac 2>/dev/null || true)"
  if [[ -n "$javac_path" ]]; then
    local home
    home="$(dirname "$(dirname "$(readlink -f "$javac_path")")")"
    if nucleon_is_jdk21 "$home"; then
      echo "$home"
      return 0
    fi
  fi
  local best="" best_major=0 candidate major
  for candidate in /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/jdk* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
    nucleon_is_jdk21 "$candidate" || continue
    major="$(nucleon_java_major "$candidate")"
    if (( major > best_major )); then
      best="$candidate"
      best_major="$major"
    fi
  done
  [[ -n "$best" ]] && echo "$best"
}

if ! NUCLEON_JDK="$(nucleon_find_jdk)" || [[ -z "$NUCLEON_JDK" ]]; then
  echo "Nucleon needs a JDK 21 or newer (java and javac). None was found in JAVA_HOME, on the PATH," >&2
  echo "or under /usr/lib/jvm, /opt/java, ~/.sdkman. Install one (e.g. 'apt-get install openjdk-21-jdk')" >&2
  echo "and set JAVA_HOME to it." >&2
  exit 1
fi
export JAVA_HOME="$NUCLEON_JDK"
export PATH="$JAVA_HOME/bin:$PATH"

if ! command -v mvn >/dev/null 2>&1; then
  echo "Nucleon builds with Apache Maven 3.8 or newer, and 'mvn' is not on the PATH. Install it (e.g. 'apt-get install maven')." >&2
  exit 1
fi

# JDK 24+ warns about Maven's own use of sun.misc.Unsafe; that noise is not ours.
if (( $(nucleon_java_major "$JAVA_HOME") >= 24 )); then
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
fi
