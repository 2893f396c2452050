//! The photo files: named by content hash, written atomically, never
//! changed (so they are served with a year-long `immutable` cache), and
//! removed by a sweep once no spot shows them.

use super::process::Processed;
use app::spots::{Photo, store::StoredPhoto};
use sha2::{Digest, Sha256};
use std::{
    collections::HashSet,
    fs,
    io::{self, Write},
    path::{Path, PathBuf},
    time::{Duration, SystemTime},
};

/// Hex characters of the SHA-256 kept in file names (128 bits).
const KEY_CHARS: usize = 32;
/// Temporary files start with this; a crash can leave one behind.
const TEMP_PREFIX: &str = ".upload-";

/// What `store` wrote: the photo, and the files that did not exist before
/// (to remove again if the database won't take the photo).
pub struct Written {
    pub photo: StoredPhoto,
    pub created: Vec<PathBuf>,
}

/// Writes both copies into `dir` as `{key}-1600.jpg` and `{key}-400.jpg`,
/// `key` being the large copy's content hash. Each file appears whole or
/// not at all: it is written to a temporary file in the same directory,
/// flushed to disk, then renamed into place.
pub fn store(dir: &Path, processed: &Processed) -> io::Result<Written> {
    fs::create_dir_all(dir)?;
    let hash = Sha256::digest(&processed.large.jpeg);
    let key: String = hash
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect::<String>()[..KEY_CHARS]
        .to_owned();
    let [large_name, small_name] = Photo::file_names(&key);
    let mut created = Vec::new();
    for (name, bytes) in [
        (large_name, &processed.large.jpeg),
        (small_name, &processed.small.jpeg),
    ] {
        let path = dir.join(name);
        if !path.exists() && write_atomically(dir, &path, bytes)? {
            created.push(path);
        }
    }
    Ok(Written {
        photo: StoredPhoto {
            key,
            large: (processed.large.width, processed.large.height),
            small: (processed.small.width, processed.small.height),
        },
        created,
    })
}

/// True if this call created `path` (false if another upload of the same
/// photo got there first).
fn write_atomically(dir: &Path, path: &Path, bytes: &[u8]) -> io::Result<bool> {
    let mut temp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempfile_in(dir)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    // If anything above failed, dropping `temp` deletes the partial file.
    match temp.persist_noclobber(path) {
        Ok(_) => {}
        Err(error) if error.error.kind() == io::ErrorKind::AlreadyExists => return Ok(false),
        Err(error) => return Err(error.error),
    }
    // The rename itself is durable once the directory is.
    fs::File::open(dir)?.sync_all()?;
    Ok(true)
}

/// Deletes photo files whose key is not in `keep`, and leftover temporary
/// files, if they are older than `grace` (an upload writes its files a
/// moment before its row points at them). Returns how many went.
pub fn sweep(dir: &Path, keep: &HashSet<String>, grace: Duration) -> io::Result<usize> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(error) => return Err(error),
    };
    let mut removed = 0;
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let garbage = match photo_key(name) {
            Some(key) => !keep.contains(key),
            None => name.starts_with(TEMP_PREFIX),
        };
        let age = entry
            .metadata()?
            .modified()
            .ok()
            .and_then(|modified| SystemTime::now().duration_since(modified).ok())
            .unwrap_or_default();
        if garbage && age >= grace {
            fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// The key of a file named like ours (`{key}-{width}.jpg`); other files are
/// left alone.
fn photo_key(name: &str) -> Option<&str> {
    let key = name.get(..KEY_CHARS)?;
    let hex = key.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    (hex && Photo::file_names(key).iter().any(|ours| ours == name)).then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spots::photos::process::Encoded;

    fn processed(seed: u8) -> Processed {
        let copy = |len: usize| Encoded {
            jpeg: vec![seed; len],
            width: 10,
            height: 5,
        };
        Processed {
            large: copy(100),
            small: copy(40),
        }
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn files_are_named_by_content_and_leave_no_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let written = store(dir.path(), &processed(1)).unwrap();
        let [large, small] = Photo::file_names(&written.photo.key);
        assert_eq!(names(dir.path()), {
            let mut expected = vec![large.clone(), small.clone()];
            expected.sort();
            expected
        });
        assert_eq!(fs::read(dir.path().join(&large)).unwrap(), vec![1; 100]);
        assert_eq!(written.created.len(), 2);
        // The same photo again: same names, nothing new created.
        let again = store(dir.path(), &processed(1)).unwrap();
        assert_eq!(again.photo.key, written.photo.key);
        assert!(again.created.is_empty());
        // Another photo: another key.
        assert_ne!(
            store(dir.path(), &processed(2)).unwrap().photo.key,
            written.photo.key
        );
    }

    #[test]
    fn the_sweep_removes_only_unused_photos_past_the_grace() {
        let dir = tempfile::tempdir().unwrap();
        let kept = store(dir.path(), &processed(1)).unwrap().photo.key;
        let dropped = store(dir.path(), &processed(2)).unwrap().photo.key;
        fs::write(dir.path().join("notes.txt"), "not ours").unwrap();
        fs::write(dir.path().join(format!("{TEMP_PREFIX}abc")), "half").unwrap();
        let keep = HashSet::from([kept.clone()]);

        assert_eq!(
            sweep(dir.path(), &keep, Duration::from_secs(600)).unwrap(),
            0
        );
        assert_eq!(sweep(dir.path(), &keep, Duration::ZERO).unwrap(), 3);
        let left = names(dir.path());
        assert!(left.iter().all(|name| !name.contains(&dropped)), "{left:?}");
        assert_eq!(left.len(), 3, "{left:?}: both copies kept, and notes.txt");
        assert!(left.contains(&"notes.txt".to_owned()));
    }
}
