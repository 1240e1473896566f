# Sourced by the bench scripts (after they cd to the repository root or set $root).
# private_app DIR: builds Graft once (./graft) and copies its jar and libraries into DIR; the runs use
# DIR/graft.jar, so rebuilding Graft while a long benchmark runs cannot disturb it.
private_app() {
  local repo=${root:-.}
  "$repo/graft" --version >/dev/null
  rm -rf "$1" && mkdir -p "$1" && cp -a "$repo/graft-cli/target/graft.jar" "$repo/graft-cli/target/lib" "$1/"
}
