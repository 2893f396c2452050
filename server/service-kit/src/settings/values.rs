//! How one setting's text becomes a value (clap value parsers), and how
//! clap's refusal of one becomes a [`SettingsError`] naming the variable.
//!
//! Every parser trims, so `FOO= 5` and `FOO=5` mean the same; messages say
//! what is expected and echo only what can't be a secret.

use super::SettingsError;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use std::{ffi::OsString, net::SocketAddr};

/// A whole number from `MIN` to `MAX`.
pub fn number<const MIN: u32, const MAX: u32>(text: &str) -> Result<u32, String> {
    match text.trim().parse::<u32>() {
        Ok(n) if (MIN..=MAX).contains(&n) => Ok(n),
        _ => Err(format!("must be a whole number from {MIN} to {MAX}")),
    }
}

/// `1` (on) or `0` (off).
pub fn switch(text: &str) -> Result<bool, String> {
    match text.trim() {
        "1" => Ok(true),
        "0" => Ok(false),
        _ => Err("must be 1 or 0".to_owned()),
    }
}

/// An address and port to listen on, such as `127.0.0.1:9100`.
pub fn socket_addr(text: &str) -> Result<SocketAddr, String> {
    text.trim()
        .parse()
        .map_err(|_| "must be an address and port, such as 127.0.0.1:9100".to_owned())
}

/// One IP address of a comma-separated list.
pub fn ip_addr(text: &str) -> Result<std::net::IpAddr, String> {
    let text = text.trim();
    text.parse()
        .map_err(|_| format!("must list IP addresses separated by commas; {text:?} is not one"))
}

/// An http(s) origin (scheme, host, optional port, no path), without a
/// trailing slash.
pub fn origin(text: &str) -> Result<String, String> {
    let trimmed = text.trim().trim_end_matches('/');
    let bad = || {
        format!("must be an http:// or https:// origin like http://127.0.0.1:3002, not {text:?}")
    };
    let authority = trimmed
        .strip_prefix("http://")
        .or_else(|| trimmed.strip_prefix("https://"))
        .ok_or_else(bad)?;
    let allowed = |c: char| c.is_ascii_alphanumeric() || ".-:[]".contains(c);
    if authority.is_empty() || !authority.chars().all(allowed) {
        return Err(bad());
    }
    Ok(trimmed.to_owned())
}

/// Text that means something only when not blank (a path, a secret).
pub fn text(text: &str) -> Result<String, String> {
    Ok(text.trim().to_owned())
}

/// Restates a value clap refused as the variable (and flag) that carried
/// it, with the parser's reason; other errors (help, unknown flags) stay
/// clap's.
pub fn name_the_variable(
    command: &clap::Command,
    error: clap::Error,
) -> Result<SettingsError, clap::Error> {
    if !matches!(
        error.kind(),
        ErrorKind::ValueValidation | ErrorKind::InvalidValue
    ) {
        return Err(error);
    }
    let Some(ContextValue::String(shown)) = error.get(ContextKind::InvalidArg) else {
        return Err(error);
    };
    // Shown as `--long <VALUE>`.
    let long = shown
        .trim_start_matches('-')
        .split([' ', '='])
        .next()
        .unwrap_or_default();
    let Some(arg) = command
        .get_arguments()
        .find(|arg| arg.get_long() == Some(long))
    else {
        return Err(error);
    };
    let reason = match error.get(ContextKind::ValidValue) {
        Some(ContextValue::Strings(valid)) => format!("must be one of {}", valid.join(", ")),
        _ => std::error::Error::source(&error)
            .map_or_else(|| "is not valid".to_owned(), ToString::to_string),
    };
    Ok(SettingsError::Setting {
        variable: arg
            .get_env()
            .map_or_else(String::new, |env| env.to_string_lossy().into_owned()),
        flag: format!("--{long}"),
        reason,
    })
}

/// Parses `P` from the process's command line and environment. A variable
/// set to nothing (`FOO=`, as compose files write) counts as unset, and no
/// variable's value is shown by `--help` (some are secrets).
pub fn parse_process<P: clap::Parser>() -> Result<P, clap::Error> {
    let command = P::command().mut_args(|arg| {
        let blank = arg
            .get_env()
            .and_then(std::env::var_os)
            .is_some_and(|value| value.to_string_lossy().trim().is_empty());
        let arg = arg.hide_env_values(true);
        if blank { arg.env(None) } else { arg }
    });
    parse_with(command, std::env::args_os())
}

/// The settings `A` with each variable looked up by `var` instead of the
/// process environment (blank is unset), as the binary would read them:
/// what tests use. A refused value names its variable.
pub fn settings_from_vars<A: clap::Args>(
    var: impl Fn(&str) -> Option<String>,
) -> Result<A, SettingsError> {
    let command = A::augment_args(clap::Command::new("settings"));
    let mut args = vec![OsString::from("settings")];
    for arg in command.get_arguments() {
        let (Some(env), Some(long)) = (arg.get_env(), arg.get_long()) else {
            continue;
        };
        if let Some(value) = var(&env.to_string_lossy()).filter(|value| !value.trim().is_empty()) {
            args.push(format!("--{long}={value}").into());
        }
    }
    parse_with(command.clone().mut_args(|arg| arg.env(None)), args).map_err(|error| {
        name_the_variable(&command, error)
            .unwrap_or_else(|error| SettingsError::Arguments(error.render().to_string()))
    })
}

fn parse_with<T: clap::FromArgMatches>(
    command: clap::Command,
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
) -> Result<T, clap::Error> {
    let mut matches = command.try_get_matches_from(args)?;
    T::from_arg_matches_mut(&mut matches)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_trimmed_and_kept_in_range() {
        assert_eq!(number::<1, 60>(" 5 "), Ok(5));
        for bad in ["0", "61", "-1", "x", "", "1e3"] {
            assert!(
                number::<1, 60>(bad).unwrap_err().contains("from 1 to 60"),
                "{bad}"
            );
        }
    }

    #[test]
    fn origins_are_http_or_https_without_a_path() {
        assert_eq!(
            origin("https://fav.example.com/"),
            Ok("https://fav.example.com".into())
        );
        for bad in [
            "fav.example.com",
            "javascript:alert(1)",
            "http://",
            "http://a b",
            "http://x/path",
        ] {
            assert!(origin(bad).is_err(), "{bad}");
        }
    }
}
