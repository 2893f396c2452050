//! The configuration reference in the book (`docs/src/operating/`), written
//! from the clap definitions that parse the settings, so the docs cannot
//! drift from what the binaries accept: `server config reference` and
//! `favorites config reference` print it, `make docs` writes it, and a test
//! beside each command line (`server/src/cli.rs`, `server/favorites/src/cli.rs`)
//! fails when the committed copy differs.

use clap::{Arg, Command};
use std::fmt::Write;

/// The line that opens each generated file, so nobody edits it by hand.
const GENERATED: &str = "<!-- generated from the command line's definitions by `make docs` \
                         (`server config reference`); do not edit -->";

/// Every setting of `command`, one Markdown table per help heading, in the
/// order `--help` shows them.
pub fn markdown(command: &Command) -> String {
    let mut out = format!("{GENERATED}\n");
    for heading in headings(command) {
        let _ = write!(
            out,
            "\n#### {}\n\n| variable | flag | default | meaning |\n|---|---|---|---|\n",
            heading.unwrap_or("Settings")
        );
        for arg in settings(command).filter(|arg| arg.get_help_heading() == heading) {
            out.push_str(&row(arg));
        }
    }
    out
}

/// The settings: everything but clap's own `--help` and `--version`.
pub fn settings(command: &Command) -> impl Iterator<Item = &Arg> {
    command
        .get_arguments()
        .filter(|arg| !["help", "version"].contains(&arg.get_id().as_str()))
}

fn headings(command: &Command) -> Vec<Option<&str>> {
    let mut seen = Vec::new();
    for arg in settings(command) {
        if !seen.contains(&arg.get_help_heading()) {
            seen.push(arg.get_help_heading());
        }
    }
    seen
}

fn row(arg: &Arg) -> String {
    let variable = arg
        .get_env()
        .map(|name| format!("`{}`", name.to_string_lossy()))
        .unwrap_or_default();
    let flag = arg
        .get_long()
        .map(|long| format!("`--{long}`"))
        .unwrap_or_default();
    let (meaning, stated_default) = split_default(&help(arg));
    let default = match arg.get_default_values() {
        [] => stated_default.unwrap_or_else(|| "unset".to_owned()),
        values => values
            .iter()
            .map(|value| format!("`{}`", value.to_string_lossy()))
            .collect::<Vec<_>>()
            .join(", "),
    };
    format!(
        "| {variable} | {flag} | {} | {} |\n",
        cell(&default),
        cell(&meaning)
    )
}

/// The help text with its possible values, as `--help` words them.
fn help(arg: &Arg) -> String {
    let text = arg.get_help().map(ToString::to_string).unwrap_or_default();
    let values: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|value| !value.is_hide_set())
        .map(|value| format!("`{}`", value.get_name()))
        .collect();
    if values.is_empty() {
        text
    } else {
        format!("{text} (one of {})", values.join(", "))
    }
}

/// A default too long for clap's own (`[default: …]` at the end of the
/// help text) moves to the table's default column.
fn split_default(help: &str) -> (String, Option<String>) {
    match help.trim_end().strip_suffix(']').and_then(|rest| {
        rest.rsplit_once("[default: ")
            .map(|(meaning, default)| (meaning.trim_end().to_owned(), default.to_owned()))
    }) {
        Some((meaning, default)) => (meaning, Some(default)),
        None => (help.to_owned(), None),
    }
}

/// Text safe inside a table cell: one line, no column breaks.
fn cell(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_default_stated_in_the_help_moves_to_its_column() {
        assert_eq!(
            split_default(
                "Address to listen on [default: 127.0.0.1:3000, or what cargo-leptos says]"
            ),
            (
                "Address to listen on".to_owned(),
                Some("127.0.0.1:3000, or what cargo-leptos says".to_owned())
            )
        );
        assert_eq!(
            split_default("No default here"),
            ("No default here".to_owned(), None)
        );
    }

    #[test]
    fn a_cell_keeps_to_one_line_and_one_column() {
        assert_eq!(cell("0|1: on\n  or off"), "0\\|1: on or off");
    }
}
