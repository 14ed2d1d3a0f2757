//! Which database errors are worth running the transaction again.

/// PostgreSQL SQLSTATEs after which the whole transaction can run again: `serialization_failure`
/// (also MySQL's and MariaDB's SQLSTATE for a deadlock, 1213), `deadlock_detected`,
/// `lock_not_available` (`lock_timeout`, `NOWAIT`) and `query_canceled` (`statement_timeout`).
const RETRYABLE_SQLSTATES: [&str; 4] = ["40001", "40P01", "55P03", "57014"];

/// SQLite's primary result codes `SQLITE_BUSY` and `SQLITE_LOCKED`: another connection holds
/// the lock. Their extended codes (`SQLITE_BUSY_SNAPSHOT`, `SQLITE_LOCKED_SHAREDCACHE`, …) keep
/// the primary code in the low byte.
const SQLITE_BUSY: u32 = 5;
const SQLITE_LOCKED: u32 = 6;

/// MySQL / MariaDB error numbers: lock wait timeout (1205), deadlock (1213), `NOWAIT` lock not
/// granted (3572), and a statement stopped by its time limit (MySQL's `max_execution_time`,
/// 3024; MariaDB's `max_statement_time`, 1969).
#[cfg(feature = "sqlx-mysql")]
const MYSQL_RETRYABLE_NUMBERS: [u16; 5] = [1205, 1213, 3572, 3024, 1969];

/// Whether `error` is one after which running the whole transaction again may succeed: the
/// database refused it because of other transactions (a serialization failure, a deadlock, a
/// lock not granted in time, a statement stopped by its timeout), or no pooled connection was
/// free in time.
///
/// Such an error rolled the transaction back (or it never began), so nothing of it was written
/// and another attempt cannot write twice. Errors whose outcome is unknown (a connection lost
/// while `COMMIT` was on its way) are not retryable: the write may have landed.
///
/// | database | retryable |
/// |---|---|
/// | PostgreSQL | SQLSTATE `40001`, `40P01`, `55P03`, `57014` |
/// | SQLite | `SQLITE_BUSY` (5), `SQLITE_LOCKED` (6) and their extended codes |
/// | MySQL, MariaDB | deadlock 1213 (SQLSTATE `40001`); with the `sqlx-mysql` feature also 1205, 3572, 3024, 1969 |
/// | any | [`sqlx::Error::PoolTimedOut`] |
///
/// MySQL reports a lock wait timeout (1205) with the catch-all SQLSTATE `HY000`, so only its
/// error number tells it apart: enable `sqlx-mysql` on MySQL and MariaDB.
///
/// ```
/// use etag_core::sql::is_retryable;
///
/// assert!(is_retryable(&sqlx::Error::PoolTimedOut));
/// assert!(!is_retryable(&sqlx::Error::RowNotFound));
/// ```
pub fn is_retryable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(error) => is_retryable_database_error(error.as_ref()),
        _ => false,
    }
}

fn is_retryable_database_error(error: &dyn sqlx::error::DatabaseError) -> bool {
    #[cfg(feature = "sqlx-mysql")]
    if let Some(error) = error.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
        return MYSQL_RETRYABLE_NUMBERS.contains(&error.number());
    }
    error.code().is_some_and(|code| is_retryable_code(&code))
}

/// A code as `DatabaseError::code` gives it: PostgreSQL and MySQL give a five-character
/// SQLSTATE; SQLite its extended result code in decimal, which has at most four digits.
fn is_retryable_code(code: &str) -> bool {
    if code.len() == 5 {
        return RETRYABLE_SQLSTATES.contains(&code);
    }
    code.parse::<u32>()
        .is_ok_and(|extended| matches!(extended & 0xff, SQLITE_BUSY | SQLITE_LOCKED))
}

/// An error that can say whether the transaction that failed with it may run again: what
/// [`retry`](super::retry) asks of the error type of an attempt.
///
/// Implement it for your own error type by asking the `sqlx::Error` inside (see
/// [`WriteError`](super::WriteError)'s implementation); every other error is final.
pub trait Retryable {
    /// Whether another attempt of the whole transaction may succeed.
    fn is_retryable(&self) -> bool;
}

impl Retryable for sqlx::Error {
    fn is_retryable(&self) -> bool {
        is_retryable(self)
    }
}

#[cfg(test)]
mod tests {
    use super::is_retryable_code;

    #[test]
    fn sqlstates_of_conflicts_and_timeouts_are_retryable() {
        for code in ["40001", "40P01", "55P03", "57014"] {
            assert!(is_retryable_code(code), "{code}");
        }
        // unique_violation, syntax error, MySQL's catch-all.
        for code in ["23505", "42601", "HY000"] {
            assert!(!is_retryable_code(code), "{code}");
        }
    }

    #[test]
    fn sqlite_busy_and_locked_with_their_extended_codes_are_retryable() {
        // BUSY, BUSY_RECOVERY, BUSY_SNAPSHOT, BUSY_TIMEOUT, LOCKED, LOCKED_SHAREDCACHE.
        for code in ["5", "261", "517", "773", "6", "262"] {
            assert!(is_retryable_code(code), "{code}");
        }
        // CONSTRAINT_UNIQUE (2067), READONLY (8), a code that is no number.
        for code in ["2067", "8", "x"] {
            assert!(!is_retryable_code(code), "{code}");
        }
    }
}
