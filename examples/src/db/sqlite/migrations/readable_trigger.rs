//! Migration 4: the order trigger of schema 3, rewritten so that every SQLite can parse it.
//!
//! Schema 3's trigger built its message with `||` inside `RAISE(...)`, which only SQLite 3.47
//! and later accept. An older SQLite (the `sqlite3` shell of most distributions, Python's
//! standard library) parses the whole schema when it opens a file, so it reported the file as
//! malformed: no backup with `.backup`, no inspection, no `PRAGMA integrity_check`. The rewritten
//! trigger does the same job with one string literal, which every version since 3.0 accepts.

/// Replaces the trigger in place; the schema's other objects are untouched.
pub(super) const SQL: &str = "DROP TRIGGER IF EXISTS orders_are_rewritten_with_their_tag;
    CREATE TRIGGER orders_are_rewritten_with_their_tag
    BEFORE UPDATE OF customer, items, note ON orders
    BEGIN
        SELECT RAISE(ABORT, 'orders.etag must be rewritten with the order: the order is replaced whole (INSERT OR REPLACE), never updated in place; is a shop binary older than schema version 3 writing to this database?');
    END;";

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::process::Command;

    use rusqlite::Connection;

    use super::super::{MIGRATIONS, migrate, migrate_to};

    /// What the system's `sqlite3` shell says about the file, or `None` (said loudly) when
    /// there is no shell; under `CI=true` a missing shell is a failure.
    fn system_sqlite3(path: &Path, sql: &str) -> Option<String> {
        match Command::new("sqlite3").arg(path).arg(sql).output() {
            Ok(output) => {
                let mut said = String::from_utf8_lossy(&output.stdout).into_owned();
                said.push_str(&String::from_utf8_lossy(&output.stderr));
                Some(said.trim().to_owned())
            }
            Err(error) if std::env::var("CI").is_ok_and(|ci| ci == "true") => {
                panic!("the sqlite3 shell cannot run ({error}); CI=true requires it")
            }
            Err(error) => {
                eprintln!(
                    "\n*** SKIPPED: the sqlite3 shell cannot run ({error}); install it \
                     (apt-get install sqlite3) to check the file with another SQLite. ***\n"
                );
                None
            }
        }
    }

    fn assert_readable(path: &Path) {
        let Some(integrity) = system_sqlite3(path, "PRAGMA integrity_check") else {
            return;
        };
        assert_eq!(integrity, "ok", "the system sqlite3 reads the file");
        let orders = system_sqlite3(path, "SELECT count(*) FROM orders");
        assert_eq!(orders.as_deref(), Some("1"));
    }

    fn with_an_order(conn: &Connection) {
        conn.execute(
            r#"INSERT INTO orders (id, customer, items, note, modified_ms, etag)
               VALUES ('a', 'ada', '[]', NULL, 1700000000000, '"x"')"#,
            [],
        )
        .expect("an order");
    }

    #[test]
    fn a_file_migrated_from_schema_3_is_readable_by_the_system_sqlite() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("shop.db");
        let mut conn = Connection::open(&path).expect("the file opens");
        migrate_to(&mut conn, 3).expect("schema version 3");
        with_an_order(&conn);
        migrate(&mut conn).expect("migration to the current schema");
        drop(conn);
        assert_readable(&path);
    }

    #[test]
    fn a_new_file_is_readable_by_the_system_sqlite() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("shop.db");
        let mut conn = Connection::open(&path).expect("the file opens");
        migrate(&mut conn).expect("the current schema");
        with_an_order(&conn);
        drop(conn);
        assert_readable(&path);
    }

    #[test]
    fn the_rewritten_trigger_still_refuses_an_in_place_update() {
        let mut conn = Connection::open_in_memory().expect("in-memory database");
        migrate(&mut conn).expect("the current schema");
        assert!(MIGRATIONS.len() >= 4);
        with_an_order(&conn);
        let error = conn
            .execute("UPDATE orders SET customer = 'eve' WHERE id = 'a'", [])
            .expect_err("the trigger refuses an in-place update");
        assert!(error.to_string().contains("orders.etag"), "{error}");
        let triggers: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND sql LIKE '%||%'",
                [],
                |row| row.get(0),
            )
            .expect("the schema reads");
        assert_eq!(triggers, 0, "no trigger builds its message with ||");
    }
}
