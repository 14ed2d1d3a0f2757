//! Creating the shop's database on first start, as the SQLite backend creates its file.
//!
//! A fresh server has only its maintenance databases, so `--db postgres://…/shop` would
//! otherwise fail until someone ran `createdb`. When the server says the database does not exist
//! (`3D000`), the shop connects to the maintenance database `postgres` as the same role and
//! creates it. Several shops starting at once on a missing database race to create it; the
//! losers see it already exists (`42P04`, or a unique violation on the catalog, `23505`) and go
//! on. A role without the `CREATEDB` privilege is told so, and what to run instead.

use sqlx::postgres::PgConnectOptions;
use sqlx::{AssertSqlSafe, ConnectOptions, Connection, Executor};

/// The database every PostgreSQL server has, to connect to while the shop's does not exist.
const MAINTENANCE_DATABASE: &str = "postgres";

/// Whether `error` is the server saying the database named in the URL does not exist.
pub(super) fn is_missing_database(error: &sqlx::Error) -> bool {
    sql_state(error).as_deref() == Some("3D000")
}

/// Creates the database `options` names, unless another process just did.
pub(super) async fn create_database(options: &PgConnectOptions) -> Result<(), sqlx::Error> {
    let Some(name) = options.get_database() else {
        // Without a name the server uses the role's name, and a missing one is not ours to make.
        return Err(sqlx::Error::Configuration(
            "the URL names no database to create".into(),
        ));
    };
    let statement = format!("CREATE DATABASE {}", quoted_identifier(name));
    let mut maintenance = options
        .clone()
        .database(MAINTENANCE_DATABASE)
        .connect()
        .await?;
    // Safe to splice: the name is quoted as an identifier, and `CREATE DATABASE` takes no
    // bind parameters.
    let created = maintenance.execute(AssertSqlSafe(statement)).await;
    // The connection is done either way; a failed close cannot undo the creation.
    let _ = maintenance.close().await;
    match created {
        Ok(_) => {
            tracing::info!(database = name, "created the database");
            Ok(())
        }
        Err(error) => match sql_state(&error).as_deref() {
            Some("42P04" | "23505") => Ok(()),
            Some("42501") => Err(sqlx::Error::Configuration(
                format!(
                    "the database {name:?} does not exist and this role may not create it \
                     ({error}): create it as a role that may (`createdb {name}`), or grant \
                     this role CREATEDB"
                )
                .into(),
            )),
            _ => Err(error),
        },
    }
}

/// `name` as a PostgreSQL identifier: in double quotes, inner quotes doubled, so a database
/// called `my-shop` or `Shop` is created with exactly that name.
fn quoted_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The SQLSTATE of a database error, if `error` is one.
fn sql_state(error: &sqlx::Error) -> Option<String> {
    match error {
        sqlx::Error::Database(error) => error.code().map(|code| code.into_owned()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_keep_their_case_and_escape_quotes() {
        assert_eq!(quoted_identifier("shop"), "\"shop\"");
        assert_eq!(quoted_identifier("My-Shop"), "\"My-Shop\"");
        assert_eq!(quoted_identifier("a\"b"), "\"a\"\"b\"");
    }
}
