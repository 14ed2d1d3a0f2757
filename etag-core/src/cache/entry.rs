//! What an entry holds, and its encoding in the Redis hash.

use std::time::{Duration, SystemTime};

use crate::{EntityTag, ResourceState};

/// Validators found in the cache: the state of the resource at a revision.
///
/// With `axum`, `Option<Cached>` (what [`Lookup::into_hit`](super::Lookup::into_hit) gives) is a
/// `#[conditional(precheck = …)]` result: `None` runs the handler, a hit prechecks as its
/// [state](Self::state). A resource cached as missing prechecks as `ResourceState::Missing`;
/// where the method would not create the resource, keep it out of the precheck with
/// `.filter(Cached::exists)` so the handler answers (with its 404).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cached {
    revision: u64,
    state: ResourceState,
}

impl Cached {
    /// The revision the validators belong to.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// The cached state of the resource.
    pub fn state(&self) -> &ResourceState {
        &self.state
    }

    /// The cached state of the resource, by value.
    pub fn into_state(self) -> ResourceState {
        self.state
    }

    /// Whether the resource was present (not cached as missing).
    pub fn exists(&self) -> bool {
        matches!(self.state, ResourceState::Present { .. })
    }
}

/// The hash fields `st`, `tag` and `lm` of a state.
pub(super) struct Encoded {
    pub(super) st: &'static str,
    pub(super) tag: String,
    pub(super) lm: String,
}

const PRESENT: &str = "p";
const MISSING: &str = "m";

pub(super) fn encode(state: &ResourceState) -> Encoded {
    match state {
        ResourceState::Missing => Encoded {
            st: MISSING,
            tag: String::new(),
            lm: String::new(),
        },
        ResourceState::Present {
            etag,
            last_modified,
        } => Encoded {
            st: PRESENT,
            tag: etag.to_string(),
            lm: last_modified.map(encode_time).unwrap_or_default(),
        },
    }
}

/// Reads back what [`encode`] wrote; `None` for anything else (another program's data under our
/// prefix, or a format of a later release), which the cache treats as a miss.
pub(super) fn decode(rev: &str, st: &str, tag: &str, lm: &str) -> Option<Cached> {
    let revision = parse_revision(rev)?;
    let state = match st {
        MISSING => ResourceState::Missing,
        PRESENT => {
            let etag = tag.parse::<EntityTag>().ok()?;
            let last_modified = if lm.is_empty() {
                None
            } else {
                Some(decode_time(lm)?)
            };
            ResourceState::present(etag, last_modified)
        }
        _ => return None,
    };
    Some(Cached { revision, state })
}

/// A revision as the scripts compare it: canonical decimal, so longer means greater.
pub(super) fn encode_revision(revision: u64) -> String {
    revision.to_string()
}

fn parse_revision(text: &str) -> Option<u64> {
    let revision: u64 = text.parse().ok()?;
    // Only the canonical form: the scripts compare revisions as decimal strings.
    (encode_revision(revision) == text).then_some(revision)
}

/// `<seconds>.<nanoseconds>` since the epoch, `-` in front for a time before it: exact, so a
/// cached state evaluates `If-Modified-Since` exactly as the database's would.
fn encode_time(time: SystemTime) -> String {
    match time.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(after) => format!("{}.{:09}", after.as_secs(), after.subsec_nanos()),
        Err(before) => {
            let before = before.duration();
            format!("-{}.{:09}", before.as_secs(), before.subsec_nanos())
        }
    }
}

fn decode_time(text: &str) -> Option<SystemTime> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (secs, nanos) = unsigned.split_once('.')?;
    if nanos.len() != 9 {
        return None;
    }
    let offset = Duration::new(secs.parse().ok()?, nanos.parse().ok()?);
    if negative {
        SystemTime::UNIX_EPOCH.checked_sub(offset)
    } else {
        SystemTime::UNIX_EPOCH.checked_add(offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(revision: u64, state: ResourceState) -> Option<Cached> {
        let encoded = encode(&state);
        decode(
            &encode_revision(revision),
            encoded.st,
            &encoded.tag,
            &encoded.lm,
        )
    }

    #[test]
    fn states_round_trip_exactly() {
        let times = [
            SystemTime::UNIX_EPOCH + Duration::new(1_700_000_000, 123_456_789),
            SystemTime::UNIX_EPOCH - Duration::new(5, 1),
            SystemTime::UNIX_EPOCH,
        ];
        for time in times {
            let state =
                ResourceState::present(EntityTag::weak("a-b").expect("a valid tag"), Some(time));
            let cached = round_trip(u64::MAX, state.clone()).expect("decodes");
            assert_eq!(cached.state(), &state);
            assert_eq!(cached.revision(), u64::MAX);
        }
        let strong = ResourceState::present(EntityTag::from_version(7u64), None);
        assert_eq!(
            round_trip(0, strong.clone()).map(Cached::into_state),
            Some(strong)
        );
        let missing = round_trip(3, ResourceState::Missing).expect("decodes");
        assert!(!missing.exists());
    }

    #[test]
    fn foreign_data_is_a_miss() {
        assert!(
            decode("01", "m", "", "").is_none(),
            "non-canonical revision"
        );
        assert!(decode("-1", "m", "", "").is_none());
        assert!(decode("1", "x", "", "").is_none());
        assert!(decode("1", "p", "not a tag", "").is_none());
        assert!(decode("1", "p", "\"a\"", "12.5").is_none());
        assert!(decode("1", "p", "\"a\"", "12.000000005").is_some());
    }
}
