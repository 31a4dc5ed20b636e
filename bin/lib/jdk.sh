# Shell functions shared by bin/berth-runtime and bin/berth (sourced: no fork).

# Sets $major to the JDK's major version from its release file (JAVA_VERSION="25.0.3").
# Functions set variables instead of printing, because every $(...) costs a fork.
jdk_major() {
    major=
    [ -r "$1/release" ] || return 0
    while IFS= read -r line; do
        case $line in
            JAVA_VERSION=*)
                major=${line#JAVA_VERSION=\"}
                major=${major%%[!0-9]*}
                return 0 ;;
        esac
    done < "$1/release"
}

is_jdk25() {
    jdk_major "$1"
    case $major in '' | *[!0-9]*) return 1 ;; esac
    [ "$major" -ge 25 ] && [ -x "$1/bin/java" ]
}

# Sets $jdk: $JAVA_HOME, else a JDK under /usr/lib/jvm, else the one `java` on PATH belongs to.
find_jdk() {
    if [ -n "${JAVA_HOME:-}" ] && is_jdk25 "$JAVA_HOME"; then
        jdk=$JAVA_HOME
        return 0
    fi
    for release in /usr/lib/jvm/*/release; do
        jdk=${release%/release}
        is_jdk25 "$jdk" && return 0
    done
    if java=$(command -v java); then
        # /usr/bin/java is usually a chain of alternatives links ending in <jdk>/bin/java.
        jdk=$(readlink -f "$java")
        jdk=${jdk%/bin/java}
        is_jdk25 "$jdk" && return 0
    fi
    return 1
}

# Sets $aot to the AOT cache $1 if it exists and is newer than every jar in $2, else to nothing.
# The cache is only valid for the JVM options and class path it was trained with, and JDK 25.0.3
# does not notice when a jar changed after training: it silently serves the cached classes.
fresh_aot() {
    aot=$1
    [ -f "$aot" ] || { aot=; return 0; }
    for jar in "$2"/*.jar; do
        if [ "$jar" -nt "$aot" ]; then
            aot=
            return 0
        fi
    done
}
