//! Modification times: the types an `#[etag(last_modified)]` field may have.

use std::time::SystemTime;

/// A value that can say when a resource last changed: the type of an `#[etag(last_modified)]`
/// field.
///
/// Implemented for [`SystemTime`], `chrono::DateTime<Tz>` (feature `chrono`),
/// `time::OffsetDateTime` (feature `time`), and for `Option`s, references and boxes of those
/// (`None` means "unknown"). Implement it for your own timestamp type to use it the same way:
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use etag_core::LastModified;
///
/// struct UnixSeconds(u64);
///
/// impl LastModified for UnixSeconds {
///     fn last_modified(&self) -> Option<SystemTime> {
///         SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(self.0))
///     }
/// }
///
/// assert_eq!(UnixSeconds(0).last_modified(), Some(SystemTime::UNIX_EPOCH));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as an `#[etag(last_modified)]` field",
    label = "not a modification time",
    note = "supported: `std::time::SystemTime`, `chrono::DateTime<Tz>` (feature `chrono`), `time::OffsetDateTime` (feature `time`), and `Option`s of these",
    note = "or implement `etag_core::LastModified` for `{Self}`"
)]
pub trait LastModified {
    /// The modification time, if known.
    fn last_modified(&self) -> Option<SystemTime>;
}

impl LastModified for SystemTime {
    fn last_modified(&self) -> Option<SystemTime> {
        Some(*self)
    }
}

impl<T: LastModified> LastModified for Option<T> {
    fn last_modified(&self) -> Option<SystemTime> {
        self.as_ref().and_then(LastModified::last_modified)
    }
}

impl<T: LastModified + ?Sized> LastModified for &T {
    fn last_modified(&self) -> Option<SystemTime> {
        (**self).last_modified()
    }
}

impl<T: LastModified + ?Sized> LastModified for Box<T> {
    fn last_modified(&self) -> Option<SystemTime> {
        (**self).last_modified()
    }
}

#[cfg(feature = "chrono")]
impl<Tz: chrono::TimeZone> LastModified for chrono::DateTime<Tz> {
    fn last_modified(&self) -> Option<SystemTime> {
        Some(SystemTime::from(self.clone()))
    }
}

#[cfg(feature = "time")]
impl LastModified for time::OffsetDateTime {
    fn last_modified(&self) -> Option<SystemTime> {
        Some(SystemTime::from(*self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn system_time_and_options() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(at.last_modified(), Some(at));
        assert_eq!(Some(at).last_modified(), Some(at));
        assert_eq!(None::<SystemTime>.last_modified(), None);
        assert_eq!(Box::new(at).last_modified(), Some(at));
    }

    #[cfg(feature = "chrono")]
    #[test]
    fn chrono_date_times() {
        use chrono::TimeZone;
        let at = chrono::Utc
            .timestamp_opt(1_700_000_000, 0)
            .single()
            .expect("a valid timestamp");
        let expected = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(at.last_modified(), Some(expected));
        let offset = chrono::FixedOffset::east_opt(3600).expect("a valid offset");
        assert_eq!(at.with_timezone(&offset).last_modified(), Some(expected));
    }

    #[cfg(feature = "time")]
    #[test]
    fn time_offset_date_times() {
        let at = time::OffsetDateTime::from_unix_timestamp(1_700_000_000).expect("in range");
        let expected = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(at.last_modified(), Some(expected));
    }
}
