//! Only the latest of a page's loads may show its answer.
//!
//! A page that loads with a plain task (`spawn_local`) rather than a
//! `LocalResource` must itself drop an answer that a newer load, or the
//! page going away, has made stale: after a logout and another person's
//! login, the first person's list would otherwise appear.

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct LatestLoad(StoredValue<u64>);

impl LatestLoad {
    pub fn new() -> Self {
        Self(StoredValue::new(0))
    }

    /// Begins a load, making every earlier one stale; its number.
    pub fn begin(&self) -> u64 {
        self.0.update_value(|latest| *latest += 1);
        self.0.get_value()
    }

    /// Whether load `number` is still the latest (and the page still there).
    pub fn is_latest(&self, number: u64) -> bool {
        self.0.try_get_value() == Some(number)
    }
}

impl Default for LatestLoad {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::LatestLoad;
    use leptos::prelude::Owner;

    #[test]
    fn a_newer_load_makes_the_earlier_one_stale() {
        Owner::new().with(|| {
            let loads = LatestLoad::new();
            let first = loads.begin();
            assert!(loads.is_latest(first));
            let second = loads.begin();
            assert!(!loads.is_latest(first));
            assert!(loads.is_latest(second));
        });
    }

    #[test]
    fn no_load_is_latest_once_the_page_is_gone() {
        let owner = Owner::new();
        let (loads, load) = owner.with(|| {
            let loads = LatestLoad::new();
            (loads, loads.begin())
        });
        owner.cleanup();
        assert!(!owner.with(|| loads.is_latest(load)));
    }
}
