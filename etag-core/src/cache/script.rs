//! The Lua scripts that make every change of an entry one atomic step in Redis, and the key
//! layout they work on.
//!
//! Each script is the shared prelude (`lua/prelude.lua`) followed by its body. `redis::Script`
//! sends it as `EVALSHA` and, when the server does not know it yet (first use, or a restarted
//! server), loads it and retries, so each server compiles each script once.

use std::sync::LazyLock;

use redis::Script;

/// The five scripts, hashed once per process.
pub(super) struct Scripts {
    pub(super) lookup: Script,
    pub(super) fill: Script,
    pub(super) begin: Script,
    pub(super) publish: Script,
    pub(super) abandon: Script,
}

pub(super) static SCRIPTS: LazyLock<Scripts> = LazyLock::new(|| Scripts {
    lookup: with_prelude(include_str!("lua/lookup.lua")),
    fill: with_prelude(include_str!("lua/fill.lua")),
    begin: with_prelude(include_str!("lua/begin.lua")),
    publish: with_prelude(include_str!("lua/publish.lua")),
    abandon: with_prelude(include_str!("lua/abandon.lua")),
});

fn with_prelude(body: &str) -> Script {
    Script::new(&format!("{}\n{body}", include_str!("lua/prelude.lua")))
}

/// The two Redis keys of one resource: `<prefix>{<key>}:v`, the entry, and `<prefix>{<key>}:w`,
/// its write marks.
///
/// The braces make `<key>` the hash tag, so both keys live in the same slot of a Redis Cluster and
/// one script may touch both. The layout is unambiguous: two different keys never share a Redis
/// key, whatever characters they contain, because the two names differ only in their last byte.
pub(super) fn redis_keys(prefix: &str, key: &str) -> [String; 2] {
    let base = format!("{prefix}{{{key}}}:");
    [format!("{base}v"), format!("{base}w")]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_share_a_hash_tag_and_never_collide() {
        assert_eq!(
            redis_keys("shop:", "cart:7"),
            ["shop:{cart:7}:v", "shop:{cart:7}:w"]
        );
        // A key that looks like another key's suffix still gets names of its own.
        let [entry, _] = redis_keys("p:", "a}:w");
        let [_, marks] = redis_keys("p:", "a");
        assert_ne!(entry, marks);
    }

    #[test]
    fn scripts_are_distinct() {
        let hashes = [
            SCRIPTS.lookup.get_hash(),
            SCRIPTS.fill.get_hash(),
            SCRIPTS.begin.get_hash(),
            SCRIPTS.publish.get_hash(),
            SCRIPTS.abandon.get_hash(),
        ];
        for (i, a) in hashes.iter().enumerate() {
            assert!(hashes[i + 1..].iter().all(|b| a != b));
        }
    }
}
