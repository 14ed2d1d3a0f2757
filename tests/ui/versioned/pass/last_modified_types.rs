use std::time::SystemTime;

use etag_core::Versioned;

#[derive(Versioned)]
struct WithSystemTime {
    total: u64,
    #[etag(last_modified)]
    at: SystemTime,
}

#[derive(Versioned)]
struct WithOption {
    total: u64,
    #[etag(last_modified)]
    at: Option<SystemTime>,
}

#[derive(Versioned)]
struct WithChrono {
    total: u64,
    #[etag(last_modified)]
    at: chrono::DateTime<chrono::Utc>,
}

#[derive(Versioned)]
struct WithTime {
    total: u64,
    #[etag(last_modified)]
    at: time::OffsetDateTime,
}

fn main() {
    let epoch = SystemTime::UNIX_EPOCH;
    assert_eq!(WithSystemTime { total: 1, at: epoch }.last_modified(), Some(epoch));
    assert_eq!(WithOption { total: 1, at: None }.last_modified(), None);
    let chrono_epoch = chrono::DateTime::UNIX_EPOCH;
    assert_eq!(WithChrono { total: 1, at: chrono_epoch }.last_modified(), Some(epoch));
    let time_epoch = time::OffsetDateTime::UNIX_EPOCH;
    assert_eq!(WithTime { total: 1, at: time_epoch }.last_modified(), Some(epoch));
}
