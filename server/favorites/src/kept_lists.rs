//! The favourites lists last read, kept in memory until their owner changes
//! them.
//!
//! The list is the service's hottest call (the home page, a spot's page and
//! the profile ask for it each time a signed-in person opens them) and it
//! changes only when its owner stars or unstars a spot. The service is one
//! process owning its SQLite file (its DPoP replay cache is in memory for
//! the same reason), so every write passes through here: a write forgets
//! its owner's list before it is answered, and the next read goes to the
//! database.
//!
//! A read races writes: it may fetch a list from the database just before
//! a write commits and try to keep it just after the write forgot it. Each
//! read therefore takes a [`Ticket`] (the count of writes so far) before it
//! reads, and a list is kept only if no write happened in between; a write
//! that lands between that check and the insert finds the list and forgets
//! it, or the reader sees the count move and takes its own list back out.

use photo_spots_core::domain::{SpotSlug, UserId};
use quick_cache::{Weighter, sync::Cache};
use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};

/// A list as the store hands it out: shared, never copied per request.
pub type List = Arc<[SpotSlug]>;

/// How many spots all kept lists hold together at most: a slug is at most
/// 64 bytes, so about 10 MB whoever asks, and tens of thousands of
/// people's lists at the sizes people keep.
pub const MAX_KEPT_SPOTS: u64 = 100_000;

/// The count of writes when a read began.
#[derive(Clone, Copy, Debug)]
pub struct Ticket(u64);

pub struct KeptLists {
    lists: Cache<UserId, List, BySpots>,
    writes: AtomicU64,
}

/// A list weighs its spots; an empty one weighs one, so that lists of
/// people with no favourites are bounded too.
#[derive(Clone)]
struct BySpots;

impl Weighter<UserId, List> for BySpots {
    fn weight(&self, _user: &UserId, list: &List) -> u64 {
        list.len().max(1) as u64
    }
}

impl KeptLists {
    pub fn new(max_spots: u64) -> Self {
        let estimated_lists = usize::try_from(max_spots / 4).unwrap_or(usize::MAX).max(1);
        Self {
            lists: Cache::with_weighter(estimated_lists, max_spots, BySpots),
            writes: AtomicU64::new(0),
        }
    }

    pub fn get(&self, user: UserId) -> Option<List> {
        self.lists.get(&user)
    }

    /// Take before reading a list from the database.
    pub fn ticket(&self) -> Ticket {
        Ticket(self.writes.load(Ordering::SeqCst))
    }

    /// Keeps `list`, read from the database after `ticket` was taken, unless
    /// a write happened since (then the list may already be stale).
    pub fn keep(&self, ticket: Ticket, user: UserId, list: &List) {
        if self.writes.load(Ordering::SeqCst) != ticket.0 {
            return;
        }
        self.lists.insert(user, list.clone());
        if self.writes.load(Ordering::SeqCst) != ticket.0 {
            // A write landed while we inserted; it may have looked before
            // our list was there. Take back ours only, not a newer one.
            self.lists.remove_if(&user, |kept| Arc::ptr_eq(kept, list));
        }
    }

    /// Call when a write to `user`'s list has ended, committed or not, and
    /// before it is answered.
    pub fn forget(&self, user: UserId) {
        self.writes.fetch_add(1, Ordering::SeqCst);
        self.lists.remove(&user);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: i64) -> UserId {
        UserId::new(id).unwrap()
    }

    fn list(slugs: &[&str]) -> List {
        slugs.iter().map(|s| SpotSlug::parse(s).unwrap()).collect()
    }

    #[test]
    fn a_list_read_with_no_write_since_its_ticket_is_kept() {
        let kept = KeptLists::new(100);
        let ticket = kept.ticket();
        kept.keep(ticket, user(120), &list(&["kirkjufell"]));
        assert_eq!(kept.get(user(120)), Some(list(&["kirkjufell"])));
    }

    #[test]
    fn a_list_read_before_a_write_is_not_kept() {
        let kept = KeptLists::new(100);
        let ticket = kept.ticket();
        // The write commits and forgets while the read is on its way back.
        kept.forget(user(120));
        kept.keep(ticket, user(120), &list(&["kirkjufell"]));
        assert_eq!(kept.get(user(120)), None);
    }

    #[test]
    fn a_write_forgets_only_its_owners_list() {
        let kept = KeptLists::new(100);
        kept.keep(kept.ticket(), user(120), &list(&["kirkjufell"]));
        kept.keep(kept.ticket(), user(121), &list(&["moraine-lake"]));
        kept.forget(user(120));
        assert_eq!(kept.get(user(120)), None);
        assert_eq!(kept.get(user(121)), Some(list(&["moraine-lake"])));
    }

    #[test]
    fn kept_lists_never_hold_more_spots_than_the_bound() {
        let kept = KeptLists::new(50);
        for id in 1..=200 {
            kept.keep(kept.ticket(), user(id), &list(&["a-spot", "another-spot"]));
        }
        let held: usize = (1..=200)
            .filter_map(|id| kept.get(user(id)))
            .map(|list| list.len())
            .sum();
        assert!(held <= 50, "{held} spots kept");
        assert!(held > 0, "nothing kept at all");
    }
}
