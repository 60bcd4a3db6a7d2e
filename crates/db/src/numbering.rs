//! Numbers for any kind of record (`record_counters`): per organisation and kind, gapless and
//! never shared. The counter row a number comes from stays locked until the transaction ends, so
//! a concurrent taker waits for it, and a rolled-back transaction gives its number back.
//!
//! Tickets take theirs inside the ticket writer (`fd_insert_tickets`), a batch at once; every
//! other numbered kind takes one here, in the transaction that inserts the record.

use crate::{DbError, TenantTx};

/// The next number of `kind` in the transaction's organisation.
pub async fn next(tx: &mut TenantTx, kind: &str) -> Result<i32, DbError> {
    let number =
        sqlx::query_scalar!(r#"select fd_next_number($1) as "number!""#, kind).fetch_one(&mut **tx).await?;
    Ok(number)
}
