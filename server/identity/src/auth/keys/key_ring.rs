//! The main app's signing keys on disk, and rotation.
//!
//! Two files:
//! - the **active private key** (`JWT_PRIVATE_KEY_FILE`, PKCS#8 PEM, mode
//!   0600): signs every new token;
//! - beside it, `<file>.retired.json`: the **public** halves of keys that
//!   were rotated out, with when. A retired key can no longer sign anything
//!   (its private half is gone), but tokens it signed stay valid until they
//!   expire, so it stays in the JWKS for one token lifetime after it retired.
//!
//! `rotate` replaces the files by rename, so a running server never reads a
//! half-written key; the server notices the change on its next signature or
//! JWKS request (a `stat` of each file) and needs no restart.
//!
//! Several instances on several machines keep their keys in the database
//! instead (`stored.rs`); the ring then holds what the database held at its
//! last refresh, and asks for a refresh when a token names an unknown key.

use super::{KeySet, PrivateKey, PublicJwk, PublicKey, ed25519::KeyError};
use crate::auth::TokenError;
use crate::clock::unix_now;
use arc_swap::ArcSwap;
use jsonwebtoken::DecodingKey;
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use std::{
    io::Write,
    path::{Path, PathBuf},
    sync::Arc,
    time::{Duration, Instant, SystemTime},
};
use thiserror::Error;

/// How often a token with an unknown `kid` may make the ring look at its files.
const UNKNOWN_KID_RECHECK: Duration = Duration::from_secs(1);

#[derive(Debug, Error)]
pub enum KeyRingError {
    #[error("could not read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("could not write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a usable Ed25519 private key: {source}")]
    BadKey { path: PathBuf, source: KeyError },
    #[error("{path} is not a valid list of retired keys: {detail}")]
    BadRetired { path: PathBuf, detail: String },
}

/// A retired key as stored: its JWK and when it stopped signing.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct RetiredEntry {
    #[serde(flatten)]
    jwk: PublicJwk,
    retired_at: u64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct RetiredFile {
    keys: Vec<RetiredEntry>,
}

/// The keys as read from disk (or the database) at one moment.
#[derive(Clone, Debug)]
pub struct RingKeys {
    pub signing: PrivateKey,
    retired: Vec<(PublicKey, u64)>,
    /// Keys that will sign soon, published ahead so that every verifier has
    /// them first (database keys only), with how long until they sign.
    upcoming: Vec<(PublicKey, Duration)>,
}

impl RingKeys {
    pub fn new(
        signing: PrivateKey,
        retired: Vec<(PublicKey, u64)>,
        upcoming: Vec<(PublicKey, Duration)>,
    ) -> Self {
        Self {
            signing,
            retired,
            upcoming,
        }
    }

    /// Every key a token may be verified with at `now`: the active one first,
    /// then upcoming ones, then retired ones whose tokens may not have
    /// expired yet.
    pub fn published(&self, now: u64, keep_for: Duration) -> Vec<PublicKey> {
        let retired = self
            .retired
            .iter()
            .filter(|(key, retired_at)| {
                key.kid() != self.signing.kid()
                    && now < retired_at.saturating_add(keep_for.as_secs())
            })
            .map(|(key, _)| key.clone());
        std::iter::once(self.signing.public().clone())
            .chain(self.upcoming.iter().map(|(key, _)| key.clone()))
            .chain(retired)
            .collect()
    }

    /// How long until the first upcoming key signs, as of loading.
    pub fn until_next_activation(&self) -> Option<Duration> {
        self.upcoming.iter().map(|(_, until)| *until).min()
    }
}

/// Which version of the files was read: a rename gives a new inode, a
/// rewrite a new length or modification time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    private: Option<(u64, SystemTime, u64)>,
    retired: Option<(u64, SystemTime, u64)>,
}

struct Loaded {
    stamp: Stamp,
    keys: Arc<RingKeys>,
}

/// Where the keys come from.
enum Source {
    /// The key files, looked at (`stat`) on every signature and JWKS request.
    Files {
        private_path: PathBuf,
        retired_path: PathBuf,
    },
    /// Pushed in by a refresh task (`stored.rs`); `reload` wakes it early.
    Pushed { reload: tokio::sync::Notify },
}

pub struct KeyRing {
    source: Source,
    /// How long a retired key stays trusted: the longest token lifetime
    /// plus the clock leeway.
    keep_retired_for: Duration,
    /// Swapped whole when the keys change; every verification reads it.
    loaded: ArcSwap<Loaded>,
    last_unknown_kid_check: Mutex<Option<Instant>>,
}

impl KeyRing {
    /// Opens the ring whose active key is at `private_path`.
    pub fn open(private_path: &Path, keep_retired_for: Duration) -> Result<Self, KeyRingError> {
        let retired_path = retired_path(private_path);
        let stamp = stamp(private_path, &retired_path);
        let keys = read_keys(private_path, &retired_path)?;
        Ok(Self {
            source: Source::Files {
                private_path: private_path.to_owned(),
                retired_path,
            },
            keep_retired_for,
            loaded: ArcSwap::from_pointee(Loaded {
                stamp,
                keys: Arc::new(keys),
            }),
            last_unknown_kid_check: Mutex::new(None),
        })
    }

    /// A ring whose keys a refresh task replaces (see [`replace`](Self::replace)).
    pub fn pushed(keys: RingKeys, keep_retired_for: Duration) -> Self {
        Self {
            source: Source::Pushed {
                reload: tokio::sync::Notify::new(),
            },
            keep_retired_for,
            loaded: ArcSwap::from_pointee(Loaded {
                stamp: Stamp {
                    private: None,
                    retired: None,
                },
                keys: Arc::new(keys),
            }),
            last_unknown_kid_check: Mutex::new(None),
        }
    }

    /// Puts in the keys a refresh just loaded.
    pub fn replace(&self, keys: RingKeys) {
        let before = self.loaded.load();
        log_change(&before.keys, &keys);
        self.loaded.store(Arc::new(Loaded {
            stamp: before.stamp,
            keys: Arc::new(keys),
        }));
    }

    /// Resolves when a token named a key this ring doesn't have; never for a
    /// ring on files.
    pub async fn reload_requested(&self) {
        match &self.source {
            Source::Pushed { reload } => reload.notified().await,
            Source::Files { .. } => std::future::pending().await,
        }
    }

    /// Writes a fresh key to `private_path` if there is none (development).
    /// Returns whether it created one.
    pub fn create_if_missing(private_path: &Path) -> Result<bool, KeyRingError> {
        if private_path.exists() {
            return Ok(false);
        }
        let key = PrivateKey::generate().map_err(|source| KeyRingError::BadKey {
            path: private_path.to_owned(),
            source,
        })?;
        write_atomically(private_path, key.to_pem().as_bytes(), true)?;
        Ok(true)
    }

    /// Adds a new active key; the old one moves to the retired list (public
    /// half only). Retired keys past their window are dropped from the list.
    /// Returns the old and new key ids.
    pub fn rotate(
        private_path: &Path,
        keep_retired_for: Duration,
    ) -> Result<(String, String), KeyRingError> {
        let retired_path = retired_path(private_path);
        let current = read_keys(private_path, &retired_path)?;
        let now = unix_now();
        let mut retired: Vec<RetiredEntry> = current
            .retired
            .iter()
            .filter(|(_, at)| now < at.saturating_add(keep_retired_for.as_secs()))
            .map(|(key, at)| RetiredEntry {
                jwk: PublicJwk::from(key),
                retired_at: *at,
            })
            .collect();
        retired.push(RetiredEntry {
            jwk: PublicJwk::from(current.signing.public()),
            retired_at: now,
        });
        let fresh = PrivateKey::generate().map_err(|source| KeyRingError::BadKey {
            path: private_path.to_owned(),
            source,
        })?;
        // Retired list first: if we stop between the two writes, the old key
        // is listed twice (harmless) rather than lost from the JWKS.
        let json = serde_json::to_vec_pretty(&RetiredFile { keys: retired }).map_err(|e| {
            KeyRingError::BadRetired {
                path: retired_path.clone(),
                detail: e.to_string(),
            }
        })?;
        write_atomically(&retired_path, &json, false)?;
        write_atomically(private_path, fresh.to_pem().as_bytes(), true)?;
        Ok((current.signing.kid().to_owned(), fresh.kid().to_owned()))
    }

    /// The keys as the files hold them now. Looks at the files (two `stat`s)
    /// and rereads them if they changed; if rereading fails, the keys already
    /// loaded stay in use and the error is logged. Pushed keys: the last ones
    /// pushed.
    pub fn current(&self) -> Arc<RingKeys> {
        let Source::Files {
            private_path,
            retired_path,
        } = &self.source
        else {
            return self.loaded_keys();
        };
        let now = stamp(private_path, retired_path);
        let loaded = self.loaded.load();
        if loaded.stamp == now {
            return loaded.keys.clone();
        }
        match read_keys(private_path, retired_path) {
            Ok(keys) => {
                let keys = Arc::new(keys);
                log_change(&loaded.keys, &keys);
                self.loaded.store(Arc::new(Loaded {
                    stamp: now,
                    keys: keys.clone(),
                }));
                keys
            }
            Err(error) => {
                tracing::error!(%error, "could not reload the signing keys; keeping the ones loaded");
                self.loaded_keys()
            }
        }
    }

    fn loaded_keys(&self) -> Arc<RingKeys> {
        self.loaded.load().keys.clone()
    }

    /// The public keys tokens may be verified with now.
    pub fn published(&self) -> Vec<PublicKey> {
        self.current().published(unix_now(), self.keep_retired_for)
    }

    /// The key named `kid` among those loaded, if it may verify now. On the
    /// path of every authenticated request: no file access, no allocation
    /// beyond the key itself.
    fn find_loaded(&self, kid: &str) -> Option<DecodingKey> {
        let loaded = self.loaded.load();
        let keys = &loaded.keys;
        if keys.signing.kid() == kid {
            return Some(keys.signing.public().decoding_key().clone());
        }
        if let Some((key, _)) = keys.upcoming.iter().find(|(key, _)| key.kid() == kid) {
            return Some(key.decoding_key().clone());
        }
        let now = unix_now();
        keys.retired
            .iter()
            .find(|(key, retired_at)| {
                key.kid() == kid && now < retired_at.saturating_add(self.keep_retired_for.as_secs())
            })
            .map(|(key, _)| key.decoding_key().clone())
    }

    /// Whether an unknown `kid` may make us look at the files again now.
    fn may_recheck(&self) -> bool {
        let mut last = self.last_unknown_kid_check.lock();
        let due = last.is_none_or(|at| at.elapsed() >= UNKNOWN_KID_RECHECK);
        if due {
            *last = Some(Instant::now());
        }
        due
    }
}

impl KeySet for KeyRing {
    fn find(&self, kid: &str) -> Result<DecodingKey, TokenError> {
        if let Some(key) = self.find_loaded(kid) {
            return Ok(key);
        }
        // Another process (`server keys rotate`) may have just added it.
        if self.may_recheck() {
            match &self.source {
                Source::Files { .. } => {
                    self.current();
                    if let Some(key) = self.find_loaded(kid) {
                        return Ok(key);
                    }
                }
                // This request is refused; the refresh serves the next ones.
                Source::Pushed { reload } => reload.notify_one(),
            }
        }
        Err(TokenError::UnknownKey(kid.chars().take(64).collect()))
    }
}

fn log_change(before: &RingKeys, after: &RingKeys) {
    if before.signing.kid() != after.signing.kid() {
        metrics::counter!("photo_spots_signing_key_changes_total").increment(1);
        tracing::info!(
            kid = after.signing.kid(),
            previous = before.signing.kid(),
            "signing key changed"
        );
    }
}

pub fn retired_path(private_path: &Path) -> PathBuf {
    let mut name = private_path.as_os_str().to_owned();
    name.push(".retired.json");
    PathBuf::from(name)
}

fn file_stamp(path: &Path) -> Option<(u64, SystemTime, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let inode = 0;
    Some((inode, meta.modified().ok()?, meta.len()))
}

fn stamp(private: &Path, retired: &Path) -> Stamp {
    Stamp {
        private: file_stamp(private),
        retired: file_stamp(retired),
    }
}

fn read_keys(private_path: &Path, retired_path: &Path) -> Result<RingKeys, KeyRingError> {
    let pem = std::fs::read_to_string(private_path).map_err(|source| KeyRingError::Read {
        path: private_path.to_owned(),
        source,
    })?;
    let signing = PrivateKey::from_pem(&pem).map_err(|source| KeyRingError::BadKey {
        path: private_path.to_owned(),
        source,
    })?;
    let retired = match std::fs::read(retired_path) {
        Ok(bytes) => parse_retired(retired_path, &bytes)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(source) => {
            return Err(KeyRingError::Read {
                path: retired_path.to_owned(),
                source,
            });
        }
    };
    Ok(RingKeys::new(signing, retired, Vec::new()))
}

fn parse_retired(path: &Path, bytes: &[u8]) -> Result<Vec<(PublicKey, u64)>, KeyRingError> {
    let bad = |detail: String| KeyRingError::BadRetired {
        path: path.to_owned(),
        detail,
    };
    let file: RetiredFile = serde_json::from_slice(bytes).map_err(|e| bad(e.to_string()))?;
    file.keys
        .into_iter()
        .map(|entry| {
            let key = entry.jwk.to_public_key().map_err(|e| bad(e.to_string()))?;
            Ok((key, entry.retired_at))
        })
        .collect()
}

/// Writes `contents` to a temporary file beside `path`, then renames it over
/// `path`: readers see the old file or the new one, never a mix. The
/// temporary file is created private (0600); a public file is opened up
/// before it takes the name.
fn write_atomically(path: &Path, contents: &[u8], private: bool) -> Result<(), KeyRingError> {
    let error = |source| KeyRingError::Write {
        path: path.to_owned(),
        source,
    };
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    let dir = dir.unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(error)?;
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(error)?;
    #[cfg(unix)]
    if !private {
        use std::os::unix::fs::PermissionsExt;
        let public = std::fs::Permissions::from_mode(0o644);
        file.as_file().set_permissions(public).map_err(error)?;
    }
    #[cfg(not(unix))]
    let _ = private;
    file.write_all(contents).map_err(error)?;
    file.as_file().sync_all().map_err(error)?;
    file.persist(path).map_err(|e| error(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const WINDOW: Duration = Duration::from_secs(3600);

    fn ring_in(dir: &tempfile::TempDir) -> (PathBuf, KeyRing) {
        let path = dir.path().join("keys").join("signing.pem");
        assert!(KeyRing::create_if_missing(&path).unwrap());
        let ring = KeyRing::open(&path, WINDOW).unwrap();
        (path, ring)
    }

    #[test]
    fn a_created_key_is_private_to_its_owner_and_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let (path, ring) = ring_in(&dir);
        assert!(!KeyRing::create_if_missing(&path).unwrap());
        assert_eq!(ring.published().len(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn rotation_is_seen_by_a_running_ring_without_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let (path, ring) = ring_in(&dir);
        let before = ring.current().signing.kid().to_owned();
        let (old, new) = KeyRing::rotate(&path, WINDOW).unwrap();
        assert_eq!(old, before);
        assert_eq!(ring.current().signing.kid(), new);
        let published: Vec<String> = ring
            .published()
            .iter()
            .map(|k| k.kid().to_owned())
            .collect();
        assert_eq!(published, vec![new, old]);
    }

    #[test]
    fn the_retired_list_holds_no_private_key() {
        let dir = tempfile::tempdir().unwrap();
        let (path, _ring) = ring_in(&dir);
        let old_pem = std::fs::read_to_string(&path).unwrap();
        KeyRing::rotate(&path, WINDOW).unwrap();
        let retired = std::fs::read_to_string(retired_path(&path)).unwrap();
        assert!(!retired.contains("\"d\""));
        let seed_part = old_pem.lines().nth(1).unwrap();
        assert!(!retired.contains(&seed_part[24..]));
    }

    #[test]
    fn a_retired_key_leaves_after_its_window() {
        let dir = tempfile::tempdir().unwrap();
        let (path, ring) = ring_in(&dir);
        let (old, _) = KeyRing::rotate(&path, WINDOW).unwrap();
        let keys = ring.current();
        let now = unix_now();
        let kids = |at: u64| -> Vec<String> {
            keys.published(at, WINDOW)
                .iter()
                .map(|k| k.kid().to_owned())
                .collect()
        };
        assert!(kids(now + WINDOW.as_secs() - 5).contains(&old));
        assert!(!kids(now + WINDOW.as_secs() + 1).contains(&old));
    }

    #[test]
    fn unknown_kid_makes_the_ring_look_at_its_files_once_per_second() {
        let dir = tempfile::tempdir().unwrap();
        let (path, ring) = ring_in(&dir);
        assert!(matches!(ring.find("junk"), Err(TokenError::UnknownKey(_))));
        // Rotated by another process right after the junk lookup.
        let (_, new) = KeyRing::rotate(&path, WINDOW).unwrap();
        assert!(ring.find(&new).is_err(), "looked again within the second");
        std::thread::sleep(UNKNOWN_KID_RECHECK);
        assert!(ring.find(&new).is_ok());
    }

    #[test]
    fn a_broken_key_file_keeps_the_loaded_keys() {
        let dir = tempfile::tempdir().unwrap();
        let (path, ring) = ring_in(&dir);
        let kid = ring.current().signing.kid().to_owned();
        std::fs::write(&path, "garbage").unwrap();
        assert_eq!(ring.current().signing.kid(), kid);
        assert!(KeyRing::open(&path, WINDOW).is_err());
    }
}
