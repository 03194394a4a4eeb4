//! The module's part of an account (DESIGN §8): the export holds the client's conversations
//! with their messages; on deletion the client's message bodies are erased, their open
//! conversations closed, and every conversation detached from them (support keeps the thread,
//! without the person).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sqlx::MySqlConnection;
use ycyw_shared::account::{Account, AccountPart};

use crate::repo;
use crate::service::{conversations, messages};

#[derive(Debug)]
pub(crate) struct SupportAccount;

#[async_trait]
impl AccountPart for SupportAccount {
    fn section(&self) -> &'static str {
        "support"
    }

    async fn export(&self, conn: &mut MySqlConnection, account: &Account) -> anyhow::Result<Value> {
        let mut out = Vec::new();
        let mut after = None;
        loop {
            let page = repo::conversations_of_client(&mut *conn, account.id, None, after, 100).await?;
            let Some(last) = page.last() else { break };
            after = Some((last.updated_at, last.id));
            for row in &page {
                let mut items = Vec::new();
                let mut seq = 0;
                loop {
                    let batch = repo::messages_after(&mut *conn, row.id, seq, 500).await?;
                    let Some(last) = batch.last() else { break };
                    seq = last.seq;
                    items.extend(batch.iter().map(|m| messages::view(row, m)));
                }
                out.push(json!({ "conversation": conversations::view(row), "messages": items }));
            }
        }
        Ok(Value::Array(out))
    }

    async fn erase(&self, conn: &mut MySqlConnection, account: &Account, now: DateTime<Utc>) -> anyhow::Result<()> {
        sqlx::query!("UPDATE messages SET body = NULL, erased_at = ?, sender_id = NULL WHERE sender_id = ?", now, account.id)
            .execute(&mut *conn)
            .await?;
        sqlx::query!(
            "UPDATE conversations SET status = 'closed', closed_at = ?, updated_at = ? WHERE client_id = ? AND status <> 'closed'",
            now,
            now,
            account.id
        )
        .execute(&mut *conn)
        .await?;
        sqlx::query!("UPDATE conversations SET client_id = NULL WHERE client_id = ?", account.id).execute(&mut *conn).await?;
        Ok(())
    }
}
