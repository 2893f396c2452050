//! `server config check`: the effective settings with secrets redacted, or
//! the first problem naming its variable and a non-zero exit.

use std::process::{Command, Output};

const SECRET: &str = "a-long-and-secret-hs256-key-0123456789";

fn config_check(vars: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .args(["config", "check"])
        .env_clear()
        .env("LEPTOS_OUTPUT_NAME", "photo-spots")
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:3999");
    for (name, value) in vars {
        command.env(name, value);
    }
    command.output().unwrap()
}

#[test]
fn the_effective_configuration_is_printed_without_its_secrets() {
    let output = config_check(&[
        ("JWT_SECRET", SECRET),
        (
            "DATABASE_URL",
            "postgres://app:s3cret-db-password@db.internal:5432/photos",
        ),
        ("METRICS_ADDR", "127.0.0.1:9100"),
    ]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for line in [
        "DATABASE_URL=postgres://db.internal:5432/photos",
        "JWT_SECRET=(set, redacted)",
        "METRICS_ADDR=127.0.0.1:9100",
        "PUBLIC_ORIGIN=http://127.0.0.1:3999",
    ] {
        assert!(stdout.lines().any(|l| l == line), "{line} in:\n{stdout}");
    }
    assert!(
        !stdout.contains(SECRET) && !stdout.contains("s3cret-db-password"),
        "{stdout}"
    );
}

#[test]
fn a_bad_setting_fails_the_check_naming_the_variable() {
    let output = config_check(&[("JWT_SECRET", "too-short")]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("JWT_SECRET"), "{stderr}");
    assert!(
        !stderr.contains("too-short"),
        "the value itself is not repeated: {stderr}"
    );
    assert!(output.stdout.is_empty());
}
