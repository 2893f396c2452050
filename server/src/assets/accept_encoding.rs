//! Which stored copy of a file to send, from the request's `Accept-Encoding`.

/// How a stored copy of a file is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// zstd against a dictionary the browser holds (`dictionary.rs`).
    DictionaryZstd,
    Brotli,
    Gzip,
    Identity,
}

impl Encoding {
    pub fn header_value(self) -> Option<&'static str> {
        match self {
            Self::DictionaryZstd => Some("dcz"),
            Self::Brotli => Some("br"),
            Self::Gzip => Some("gzip"),
            Self::Identity => None,
        }
    }
}

/// The best of `available` (listed in order of preference: the smaller copy
/// first) that `accept_encoding` allows: the highest
/// quality, the earlier one on a tie, and the plain file when the client
/// accepts neither. `q=0` means "never".
pub fn negotiate(accept_encoding: &str, available: impl IntoIterator<Item = Encoding>) -> Encoding {
    let mut best = (0.0, Encoding::Identity);
    for encoding in available {
        let quality = quality_of(accept_encoding, encoding);
        if quality > best.0 {
            best = (quality, encoding);
        }
    }
    best.1
}

/// The quality `accept_encoding` gives `encoding`: its own entry, else the
/// `*` entry, else 0 (not accepted).
fn quality_of(accept_encoding: &str, encoding: Encoding) -> f32 {
    let name = encoding.header_value().unwrap_or("identity");
    let mut wildcard = 0.0;
    for entry in accept_encoding.split(',') {
        let mut parts = entry.split(';');
        let coding = parts.next().unwrap_or_default().trim();
        let quality = parts
            .filter_map(|param| param.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if coding.eq_ignore_ascii_case(name) {
            return quality;
        }
        if coding == "*" {
            wildcard = quality;
        }
    }
    wildcard
}

#[cfg(test)]
mod tests {
    use super::{Encoding::*, negotiate};

    const BOTH: [super::Encoding; 2] = [Brotli, Gzip];

    #[test]
    fn browsers_get_brotli() {
        assert_eq!(negotiate("gzip, deflate, br, zstd", BOTH), Brotli);
    }

    #[test]
    fn gzip_only_clients_get_gzip() {
        assert_eq!(negotiate("gzip", BOTH), Gzip);
    }

    #[test]
    fn no_header_or_unknown_codings_get_the_plain_file() {
        assert_eq!(negotiate("", BOTH), Identity);
        assert_eq!(negotiate("deflate, compress", BOTH), Identity);
    }

    #[test]
    fn quality_zero_refuses_an_encoding() {
        assert_eq!(negotiate("br;q=0, gzip", BOTH), Gzip);
        assert_eq!(negotiate("*;q=0", BOTH), Identity);
    }

    #[test]
    fn higher_quality_wins_over_the_default_preference() {
        assert_eq!(negotiate("br;q=0.5, gzip;q=0.9", BOTH), Gzip);
    }

    #[test]
    fn wildcard_accepts_what_is_not_listed() {
        assert_eq!(negotiate("*", BOTH), Brotli);
        assert_eq!(negotiate("br;q=0, *", BOTH), Gzip);
    }

    #[test]
    fn only_copies_that_exist_are_chosen() {
        assert_eq!(negotiate("br, gzip", [Gzip]), Gzip);
        assert_eq!(negotiate("br", [Gzip]), Identity);
        assert_eq!(negotiate("br, gzip", []), Identity);
    }

    #[test]
    fn a_dictionary_copy_goes_to_browsers_that_accept_dcz() {
        let all = [DictionaryZstd, Brotli, Gzip];
        assert_eq!(
            negotiate("gzip, deflate, br, zstd, dcb, dcz", all),
            DictionaryZstd
        );
        assert_eq!(negotiate("gzip, deflate, br, zstd", all), Brotli);
    }

    #[test]
    fn coding_names_are_case_insensitive() {
        assert_eq!(negotiate("GZIP", BOTH), Gzip);
    }
}
