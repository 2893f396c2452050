//! Passwords people can't guess (OWASP ASVS 6.2.4): a new password is
//! refused when `zxcvbn` (Dropbox's estimator, which carries lists of common
//! passwords, names and words, and knows keyboard rows, sequences, repeats,
//! dates and l33t spellings) reckons it falls to fewer than 10^10 guesses.
//! The person is told why, in its words. Server only: none of it ships in
//! the wasm.

use crate::domain::Password;
use zxcvbn::{Score, zxcvbn};

/// zxcvbn's "safely unguessable" score: above 10^10 guesses.
const MIN_SCORE: Score = Score::Three;
/// zxcvbn's work grows faster than the length: past this many characters,
/// only the start is judged (a password is no weaker for what follows).
const JUDGED_CHARS: usize = 100;

/// Why `password` is too easy to guess, for the person choosing it, or
/// `None` if it is not. `user_inputs` are words a guesser would try first
/// for this account (the username, the name).
pub fn too_guessable(password: &Password, user_inputs: &[&str]) -> Option<String> {
    let text = password.expose();
    let judged = match text.char_indices().nth(JUDGED_CHARS) {
        Some((cut, _)) => &text[..cut],
        None => text,
    };
    // Each word too: "ansel-adams1" is built from the name "Ansel Adams".
    let words: Vec<String> = user_inputs
        .iter()
        .flat_map(|input| input.split(|c: char| !c.is_alphanumeric()))
        .filter(|word| word.chars().count() >= 3)
        .map(str::to_lowercase)
        .collect();
    let mut inputs: Vec<&str> = user_inputs.to_vec();
    inputs.extend(words.iter().map(String::as_str));
    let estimate = zxcvbn(judged, &inputs);
    if estimate.score() >= MIN_SCORE {
        return None;
    }
    let mut why = String::from("This password is too easy to guess.");
    if let Some(feedback) = estimate.feedback() {
        if let Some(warning) = feedback.warning() {
            why.push_str(&format!(" {warning}"));
        }
        for suggestion in feedback.suggestions().iter().take(2) {
            why.push_str(&format!(" {suggestion}"));
        }
    }
    if !why.contains("word") {
        why.push_str(
            " A few uncommon words together make a strong password that is easy to remember.",
        );
    }
    Some(why)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(password: &str) -> Option<String> {
        too_guessable(
            &Password::parse(password).unwrap(),
            &["ansel", "Ansel Adams"],
        )
    }

    #[test]
    fn common_and_patterned_passwords_are_refused_with_the_reason() {
        for guessable in [
            "1234567890",
            "qwertyuiop",
            "password123",
            "iloveyou2024",
            "aaaaaaaaaaaa",
            "P@ssw0rd2026",
            "AnselAdams",
        ] {
            let why = verdict(guessable).unwrap_or_else(|| panic!("{guessable} was accepted"));
            assert!(
                why.starts_with("This password is too easy to guess."),
                "{why}"
            );
        }
        let common = verdict("qwertyuiop").unwrap();
        assert!(common.contains("top-100 common password"), "{common}");
        let name = verdict("AnselAdams").unwrap();
        assert!(name.contains("Add another word"), "{name}");
    }

    #[test]
    fn passphrases_and_random_passwords_are_accepted() {
        for strong in [
            "moonrise-hernandez",
            "a-brand-new-password",
            "a-long-enough-password",
            "white-angel-breadline",
            "migrant-mother-1936",
            "correct horse battery staple",
            "kT9#vQ2!mZ7w",
        ] {
            assert_eq!(verdict(strong), None, "{strong}");
        }
    }

    #[test]
    fn a_very_long_password_is_judged_by_its_start_and_quickly() {
        let long = "river-stone-lantern-".repeat(50);
        assert_eq!(verdict(&long), None);
        let long_but_weak_start = format!("{}{}", "1".repeat(200), "x");
        assert!(verdict(&long_but_weak_start).is_some());
    }
}
