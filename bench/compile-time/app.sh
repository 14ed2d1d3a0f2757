# Sourced by measure.sh and wall.sh: `scratch_app DIR NAME WITH_ETAG` writes the manifest and lock
# file of the small axum app they build (the README's dependency lines), with etag-core from this
# repository when WITH_ETAG is `yes`. Needs `repo` set to the repository's root.
scratch_app() {
    local dir=$1 name=$2 etag=""
    if [ "$3" = yes ]; then
        etag="etag-core = { path = \"$repo/etag-core\", features = [\"derive\", \"axum\"] }"
    fi
    mkdir -p "$dir/src"
    cat > "$dir/Cargo.toml" <<TOML
[package]
name = "$name"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
axum = "0.8"
serde = { version = "1", features = ["derive"] }
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
$etag

[workspace]
TOML
    # The repository's lock file, so the scratch app builds the versions the project does.
    cp "$repo/Cargo.lock" "$dir/Cargo.lock"
}
