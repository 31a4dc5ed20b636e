# start_registry DIR: Debian's docker-registry on 127.0.0.1, storing under DIR, on a port the
# kernel picks (addr :0, so no probe-then-bind race); sets registry_pid and registry_port. The
# registry logs the address it bound at info level ("listening on 127.0.0.1:PORT").
# Sourced by scripts/demo-images and scripts/bench-images (no python or ss needed).
start_registry() {
    local dir=$1
    mkdir -p "$dir/data"
    printf 'version: 0.1\nlog: {level: info}\nhttp: {addr: "127.0.0.1:0"}\nstorage: {filesystem: {rootdirectory: %s}}\n' \
        "$dir/data" > "$dir/registry.yml"
    docker-registry serve "$dir/registry.yml" >"$dir/registry.log" 2>&1 &
    registry_pid=$!
    registry_port=
    for _ in $(seq 100); do
        registry_port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$dir/registry.log" | head -1)
        if [ -n "$registry_port" ] && curl -sf "http://127.0.0.1:$registry_port/v2/" >/dev/null; then
            return 0
        fi
        kill -0 "$registry_pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "docker-registry did not start; its log:" >&2
    cat "$dir/registry.log" >&2
    return 1
}
