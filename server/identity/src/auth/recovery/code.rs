//! One recovery code: 80 random bits, written for people as four groups of
//! four characters of Crockford's base32 (`K7QD-9XHM-2PTF-R4WN`: no I, L, O
//! or U, so nothing reads as another character). Typed back with or without
//! dashes or spaces, in either case, and with I/L for 1 and O for 0.

use sha2::{Digest, Sha256};

/// Crockford's base32 alphabet.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// 16 characters of 5 bits: 80 bits.
const CHARS: usize = 16;
/// Longest text looked at: a code with every separator a person might add.
const MAX_TYPED_BYTES: usize = 64;

#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryCode(String);

impl RecoveryCode {
    /// A new code from the operating system's random source.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut bytes = [0u8; 10];
        getrandom::getrandom(&mut bytes)?;
        // 80 bits, five at a time, most significant first.
        let bits = bytes
            .iter()
            .fold(0u128, |all, &b| (all << 8) | u128::from(b));
        let chars = (0..CHARS)
            .rev()
            .map(|i| char::from(ALPHABET[((bits >> (5 * i)) & 31) as usize]))
            .collect();
        Ok(Self(chars))
    }

    /// A code as a person typed it; `None` if it can't be one of ours.
    pub fn parse(typed: &str) -> Option<Self> {
        if typed.len() > MAX_TYPED_BYTES {
            return None;
        }
        let mut code = String::with_capacity(CHARS);
        for c in typed.chars() {
            let c = match c.to_ascii_uppercase() {
                '-' | ' ' => continue,
                'I' | 'L' => '1',
                'O' => '0',
                c if c.is_ascii() && ALPHABET.contains(&(c as u8)) => c,
                _ => return None,
            };
            code.push(c);
        }
        (code.len() == CHARS).then_some(Self(code))
    }

    /// As shown to the person: four groups of four.
    pub fn display(&self) -> String {
        let groups: Vec<&str> = (0..4).map(|g| &self.0[g * 4..g * 4 + 4]).collect();
        groups.join("-")
    }

    /// What the database keeps: SHA-256 of the code, in hex. 80 random
    /// bits need no salt or slow hash to stay out of reach.
    pub fn hash(&self) -> String {
        Sha256::digest(self.0.as_bytes())
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }
}

/// Never printed: a log line must not hand out a way in.
impl std::fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryCode(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_80_random_bits_in_four_groups() {
        let code = RecoveryCode::generate().unwrap();
        let shown = code.display();
        assert_eq!(shown.len(), 19, "{shown}");
        assert_eq!(shown.matches('-').count(), 3);
        assert_ne!(RecoveryCode::generate().unwrap(), code);
    }

    #[test]
    fn a_code_is_read_back_however_it_is_typed() {
        let code = RecoveryCode::generate().unwrap();
        let shown = code.display();
        for typed in [
            shown.clone(),
            shown.to_lowercase(),
            shown.replace('-', ""),
            shown.replace('-', " "),
            format!(" {shown} "),
        ] {
            assert_eq!(RecoveryCode::parse(&typed), Some(code.clone()), "{typed}");
        }
        assert_eq!(
            RecoveryCode::parse("oIl0-0000-0000-0000")
                .unwrap()
                .display(),
            "0110-0000-0000-0000"
        );
    }

    #[test]
    fn anything_else_is_not_a_code() {
        for typed in [
            "",
            "K7QD-9XHM-2PTF",
            "K7QD-9XHM-2PTF-R4WNX",
            "K7QD-9XHM-2PTF-R4WU",
            "é",
            "\0",
        ] {
            assert_eq!(RecoveryCode::parse(typed), None, "{typed:?}");
        }
        assert_eq!(RecoveryCode::parse(&"-".repeat(1000)), None);
    }

    #[test]
    fn debug_output_never_shows_the_code() {
        let code = RecoveryCode::generate().unwrap();
        assert!(!format!("{code:?}").contains(&code.display()[..4]));
    }
}
