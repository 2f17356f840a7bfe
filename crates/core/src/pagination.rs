//! Cursor pagination: `?limit=&cursor=` in, `{ items, next_cursor }` out.
//!
//! A cursor is opaque to clients: the base64url of the last item's sort key and id, so a page
//! is a keyset query (`WHERE (key, id) > (?, ?)`) that an index serves, whatever the offset.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;

/// Default page size.
pub const DEFAULT_LIMIT: u64 = 50;
/// Largest page size.
pub const MAX_LIMIT: u64 = 100;

/// Page selection of a list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page, 1 to 100 (default 50).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A decoded cursor: the sort key and id of the last item already seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// Sort key of the last item.
    pub key: String,
    /// Id of the last item, the tie-breaker.
    pub id: uuid::Uuid,
}

impl Cursor {
    /// Encodes for the client.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    /// Decodes a client's cursor.
    pub fn decode(text: &str) -> Result<Self, ApiError> {
        URL_SAFE_NO_PAD
            .decode(text)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .ok_or_else(|| {
                ApiError::bad_request(
                    "request.invalid_cursor",
                    "The cursor is not valid; start again without it.",
                )
            })
    }
}

impl PageQuery {
    /// The page size, checked.
    pub fn limit(&self) -> Result<u64, ApiError> {
        match self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            Some(_) => Err(ApiError::bad_request(
                "request.invalid_limit",
                format!("`limit` must be between 1 and {MAX_LIMIT}."),
            )),
        }
    }

    /// The decoded cursor, if any.
    pub fn cursor(&self) -> Result<Option<Cursor>, ApiError> {
        self.cursor.as_deref().map(Cursor::decode).transpose()
    }

    /// One page of a query, newest first by its UUIDv7 `id` column (time-ordered), the id alone
    /// being the cursor: a keyset query that the table's `(…, id)` index serves.
    pub async fn newest_first<E, T>(
        &self,
        db: &impl ConnectionTrait,
        select: Select<E>,
        id: E::Column,
        id_of: impl Fn(&E::Model) -> uuid::Uuid,
        view: impl Fn(E::Model) -> T,
    ) -> Result<Page<T>, ApiError>
    where
        E: EntityTrait,
    {
        let limit = self.limit()?;
        let mut select = select;
        if let Some(cursor) = self.cursor()? {
            select = select.filter(id.lt(cursor.id));
        }
        let rows = select.order_by_desc(id).limit(limit + 1).all(db).await?;
        Ok(Page::from_rows(
            rows,
            limit,
            |row| Cursor {
                key: String::new(),
                id: id_of(row),
            },
            view,
        ))
    }
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` fetched rows: the extra row only says there is more.
    pub fn from_rows<R>(
        mut rows: Vec<R>,
        limit: u64,
        cursor_of: impl Fn(&R) -> Cursor,
        view: impl Fn(R) -> T,
    ) -> Self {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let has_more = rows.len() > limit;
        rows.truncate(limit);
        let next_cursor = if has_more {
            rows.last().map(|r| cursor_of(r).encode())
        } else {
            None
        };
        Self {
            items: rows.into_iter().map(view).collect(),
            next_cursor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_a_400() {
        let cursor = Cursor {
            key: "Acme".into(),
            id: uuid::Uuid::now_v7(),
        };
        assert_eq!(Cursor::decode(&cursor.encode()).unwrap(), cursor);
        assert_eq!(
            Cursor::decode("%%%").unwrap_err().code(),
            "request.invalid_cursor"
        );
    }

    #[test]
    fn a_page_says_when_there_is_more() {
        let page = Page::from_rows(
            vec![1, 2, 3],
            2,
            |n| Cursor {
                key: n.to_string(),
                id: uuid::Uuid::nil(),
            },
            |n| n * 10,
        );
        assert_eq!(page.items, vec![10, 20]);
        assert_eq!(
            Cursor::decode(page.next_cursor.as_deref().unwrap())
                .unwrap()
                .key,
            "2"
        );
        let last = Page::from_rows(vec![1], 2, |_| unreachable!(), |n| n);
        assert!(last.next_cursor.is_none());
    }
}
