//! The spots table, on whichever database the users are (server only).
//!
//! Every statement here is written once: SQLite and PostgreSQL both read
//! `$1`-style parameters, `NOT hidden` and `LIMIT … OFFSET`, so one macro
//! runs the same code on either pool.

use super::{PAGE_SIZE, Photo, Spot, SpotDraft, SpotList};
use crate::{
    db::{Pools, on_pool},
    domain::{SpotSlug, UserId},
};

#[derive(Clone)]
pub struct SpotStore(Pools);

/// Binds a draft's fields, in the order both writes list them.
macro_rules! bind_draft {
    ($query:expr, $draft:expr) => {
        $query
            .bind($draft.name())
            .bind($draft.place())
            .bind($draft.latitude())
            .bind($draft.longitude())
            .bind($draft.best_light())
            .bind($draft.note())
            .bind($draft.hidden())
    };
}

/// A stored photo's key and the sizes of its large and small copies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredPhoto {
    pub key: String,
    pub large: (u32, u32),
    pub small: (u32, u32),
}

/// Why a spot could not be added.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("a spot with this slug exists")]
    SlugTaken,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

const SELECT: &str = "SELECT s.slug, s.name, s.place, s.latitude, s.longitude, s.best_light, \
     s.note, s.photo_key, s.photo_width, s.photo_height, s.thumb_width, s.thumb_height, \
     s.hidden, u.name AS added_by, s.added_at \
     FROM spots s LEFT JOIN users u ON u.id = s.added_by";

impl SpotStore {
    /// The spots of the main database (its migrations made the table).
    pub fn on(pools: Pools) -> Self {
        Self(pools)
    }

    /// The pools underneath, for tests that change rows by hand.
    pub fn pools(&self) -> &Pools {
        &self.0
    }

    /// Page `page` (from 1) of the visible spots, newest first.
    pub async fn list_public(&self, page: u32) -> Result<SpotList, sqlx::Error> {
        let offset = i64::from(page.saturating_sub(1)) * i64::from(PAGE_SIZE);
        let sql = format!(
            "{SELECT} WHERE NOT s.hidden ORDER BY s.added_at DESC, s.id DESC LIMIT $1 OFFSET $2"
        );
        let rows: Vec<SpotRow> = on_pool!(&self.0, reader, |pool| {
            sqlx::query_as(&sql)
                .bind(i64::from(PAGE_SIZE))
                .bind(offset)
                .fetch_all(pool)
                .await?
        });
        let total: i64 = on_pool!(&self.0, reader, |pool| {
            sqlx::query_scalar("SELECT COUNT(*) FROM spots WHERE NOT hidden")
                .fetch_one(pool)
                .await?
        });
        let total = u64::try_from(total).unwrap_or_default();
        Ok(SpotList {
            spots: rows
                .into_iter()
                .map(SpotRow::into_spot)
                .collect::<Result<_, _>>()?,
            page,
            pages: SpotList::pages_for(total),
            total,
        })
    }

    /// Every spot, hidden ones included, newest first: the admin area's list.
    pub async fn list_all(&self) -> Result<Vec<Spot>, sqlx::Error> {
        let sql = format!("{SELECT} ORDER BY s.added_at DESC, s.id DESC");
        let rows: Vec<SpotRow> = on_pool!(&self.0, reader, |pool| sqlx::query_as(&sql)
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(SpotRow::into_spot).collect()
    }

    /// The spots user `id` added, hidden ones included, oldest first (for
    /// their data export).
    pub async fn added_by(&self, id: UserId) -> Result<Vec<Spot>, sqlx::Error> {
        let sql = format!("{SELECT} WHERE s.added_by = $1 ORDER BY s.added_at, s.id");
        let rows: Vec<SpotRow> = on_pool!(&self.0, reader, |pool| {
            sqlx::query_as(&sql).bind(id.get()).fetch_all(pool).await?
        });
        rows.into_iter().map(SpotRow::into_spot).collect()
    }

    /// The spot named `slug`, hidden or not.
    pub async fn find(&self, slug: &SpotSlug) -> Result<Option<Spot>, sqlx::Error> {
        let sql = format!("{SELECT} WHERE s.slug = $1");
        let row: Option<SpotRow> = on_pool!(&self.0, reader, |pool| {
            sqlx::query_as(&sql)
                .bind(slug.as_str())
                .fetch_optional(pool)
                .await?
        });
        row.map(SpotRow::into_spot).transpose()
    }

    /// The spot named `slug` if the public may see it.
    pub async fn find_public(&self, slug: &SpotSlug) -> Result<Option<Spot>, sqlx::Error> {
        Ok(self.find(slug).await?.filter(|spot| !spot.hidden))
    }

    /// Adds a spot, added by `admin` at `now` (Unix seconds).
    pub async fn create(
        &self,
        slug: &SpotSlug,
        draft: &SpotDraft,
        admin: UserId,
        now: i64,
    ) -> Result<Spot, CreateError> {
        let inserted = on_pool!(&self.0, writer, |pool| {
            let query = sqlx::query(
                "INSERT INTO spots (slug, name, place, latitude, longitude, best_light, note, \
                 hidden, added_by, added_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) \
                 ON CONFLICT (slug) DO NOTHING",
            )
            .bind(slug.as_str());
            bind_draft!(query, draft)
                .bind(admin.get())
                .bind(now)
                .execute(pool)
                .await?
                .rows_affected()
        });
        if inserted == 0 {
            return Err(CreateError::SlugTaken);
        }
        // Deleted between the two statements by another admin: not ours to report.
        self.find(slug).await?.ok_or(CreateError::SlugTaken)
    }

    /// Replaces the editable fields of `slug`; `None` if there is no such spot.
    pub async fn update(
        &self,
        slug: &SpotSlug,
        draft: &SpotDraft,
        now: i64,
    ) -> Result<Option<Spot>, sqlx::Error> {
        let updated = on_pool!(&self.0, writer, |pool| {
            let query = sqlx::query(
                "UPDATE spots SET name = $2, place = $3, latitude = $4, longitude = $5, \
                 best_light = $6, note = $7, hidden = $8, updated_at = $9 WHERE slug = $1",
            )
            .bind(slug.as_str());
            bind_draft!(query, draft)
                .bind(now)
                .execute(pool)
                .await?
                .rows_affected()
        });
        self.after_write(slug, updated).await
    }

    /// Points `slug` at a photo whose files are already written; `None` if
    /// there is no such spot. The files of the photo it had are left for
    /// [`SpotStore::photo_keys`]' caller (the sweep) to remove.
    pub async fn set_photo(
        &self,
        slug: &SpotSlug,
        photo: &StoredPhoto,
        now: i64,
    ) -> Result<Option<Spot>, sqlx::Error> {
        let updated = on_pool!(&self.0, writer, |pool| {
            sqlx::query(
                "UPDATE spots SET photo_key = $2, photo_width = $3, photo_height = $4, \
                 thumb_width = $5, thumb_height = $6, updated_at = $7 WHERE slug = $1",
            )
            .bind(slug.as_str())
            .bind(&photo.key)
            .bind(to_db(photo.large.0))
            .bind(to_db(photo.large.1))
            .bind(to_db(photo.small.0))
            .bind(to_db(photo.small.1))
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected()
        });
        self.after_write(slug, updated).await
    }

    /// The spot as a write that changed `rows` of its rows left it; `None`
    /// if there was no such spot to change.
    async fn after_write(&self, slug: &SpotSlug, rows: u64) -> Result<Option<Spot>, sqlx::Error> {
        if rows == 0 {
            return Ok(None);
        }
        self.find(slug).await
    }

    /// Deletes `slug`; false if there was no such spot.
    pub async fn delete(&self, slug: &SpotSlug) -> Result<bool, sqlx::Error> {
        let deleted = on_pool!(&self.0, writer, |pool| {
            sqlx::query("DELETE FROM spots WHERE slug = $1")
                .bind(slug.as_str())
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(deleted > 0)
    }

    /// The keys of every photo some spot shows: any other photo file is
    /// garbage.
    pub async fn photo_keys(&self) -> Result<Vec<String>, sqlx::Error> {
        on_pool!(&self.0, reader, |pool| {
            sqlx::query_scalar("SELECT DISTINCT photo_key FROM spots WHERE photo_key IS NOT NULL")
                .fetch_all(pool)
                .await
        })
    }
}

/// Photo sizes are at most a few thousand pixels (checked on upload).
fn to_db(pixels: u32) -> i32 {
    i32::try_from(pixels).unwrap_or(i32::MAX)
}

#[derive(sqlx::FromRow)]
struct SpotRow {
    slug: String,
    name: String,
    place: String,
    latitude: Option<f64>,
    longitude: Option<f64>,
    best_light: String,
    note: String,
    photo_key: Option<String>,
    photo_width: Option<i32>,
    photo_height: Option<i32>,
    thumb_width: Option<i32>,
    thumb_height: Option<i32>,
    hidden: bool,
    added_by: Option<String>,
    added_at: i64,
}

impl SpotRow {
    /// Rows go through the slug's constructor: a row edited by hand into an
    /// unusable slug is an error, not a spot with a broken link.
    fn into_spot(self) -> Result<Spot, sqlx::Error> {
        let slug = SpotSlug::parse(&self.slug).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        let size = |w: Option<i32>, h: Option<i32>| {
            Some((u32::try_from(w?).ok()?, u32::try_from(h?).ok()?))
        };
        let photo = match (
            self.photo_key,
            size(self.photo_width, self.photo_height),
            size(self.thumb_width, self.thumb_height),
        ) {
            (Some(key), Some(large), Some(small)) => Some(Photo::stored(&key, large, small)),
            _ => None,
        };
        Ok(Spot {
            slug,
            name: self.name,
            place: self.place,
            latitude: self.latitude,
            longitude: self.longitude,
            best_light: self.best_light,
            note: self.note,
            photo,
            added_by: self.added_by,
            added_at: self.added_at,
            hidden: self.hidden,
        })
    }
}
