//! Helpers for tests (this crate's and the end-to-end suite in `tests/`): a fresh
//! PostgreSQL database per test, from the cluster `scripts/with-postgres.sh` starts.

use crate::error::StoreError;

/// The variable `scripts/with-postgres.sh` sets to the throwaway cluster's URL.
pub const POSTGRES_ENV: &str = "TUNGNHA_TEST_POSTGRES";

/// The cluster URL for PostgreSQL tests, if one is configured.
pub fn postgres_url_from_env() -> Option<String> {
    std::env::var(POSTGRES_ENV).ok().filter(|u| !u.trim().is_empty())
}

/// `url` with its database name replaced by `db` (keeping any `?options`).
pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let root = match base[authority_start..].find('/') {
        Some(i) => &base[..authority_start + i],
        None => base,
    };
    match query {
        Some(q) => format!("{root}/{db}?{q}"),
        None => format!("{root}/{db}"),
    }
}

/// Create an empty database on the cluster at `cluster_url` and return its URL.
pub async fn fresh_postgres_database(cluster_url: &str) -> Result<String, StoreError> {
    let (client, connection) = tokio_postgres::connect(cluster_url, tokio_postgres::NoTls).await?;
    let conn = tokio::spawn(connection);
    let name = format!("tungnha_test_{}", crate::credentials::random_hex(8));
    client.batch_execute(&format!("CREATE DATABASE {name}")).await?;
    drop(client);
    let _ = conn.await;
    Ok(with_database(cluster_url, &name))
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn replaces_the_database_name() {
        assert_eq!(with_database("postgres://postgres@127.0.0.1:5433/postgres", "x"), "postgres://postgres@127.0.0.1:5433/x");
        assert_eq!(with_database("postgres://u@h:1/db?sslmode=disable", "x"), "postgres://u@h:1/x?sslmode=disable");
        assert_eq!(with_database("postgres://u@h:1", "x"), "postgres://u@h:1/x");
    }
}
