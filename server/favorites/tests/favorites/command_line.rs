//! `favorites --help` and `favorites config check`: every setting with its
//! variable, secrets never shown, and a refused value naming its variable.

use std::process::{Command, Output};

const SECRET: &str = "a-long-and-secret-hs256-key-0123456789";

fn run(args: &[&str], vars: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_favorites"));
    command.args(args).env_clear();
    for (name, value) in vars {
        command.env(name, value);
    }
    command.output().unwrap()
}

#[test]
fn help_lists_every_setting_with_its_variable_and_default_but_never_a_value() {
    let output = run(&["--help"], &[("JWT_SECRET", SECRET)]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    for line in [
        "[env: FAVORITES_ADDR]",
        "[default: 127.0.0.1:3002]",
        "[env: JWT_JWKS_URL]",
        "[env: JWT_SECRET]",
        "[env: VERIFIED_TOKENS]",
    ] {
        assert!(stdout.contains(line), "{line} in:\n{stdout}");
    }
    assert!(!stdout.contains(SECRET), "{stdout}");
}

#[test]
fn config_check_prints_the_settings_or_names_the_refused_variable() {
    let output = run(&["config", "check"], &[("JWT_SECRET", SECRET)]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    for line in [
        "FAVORITES_ADDR=127.0.0.1:3002",
        "JWT_SECRET=(set, redacted)",
    ] {
        assert!(stdout.lines().any(|l| l == line), "{line} in:\n{stdout}");
    }
    assert!(!stdout.contains(SECRET));
    let output = run(
        &["config", "check"],
        &[("JWT_JWKS_URL", "http://auth.example.com/jwks.json")],
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("JWT_JWKS_URL (--jwks-url)"), "{stderr}");
}
