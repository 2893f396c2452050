//! The PostgreSQL tests run where `scripts/test.sh` starts a server for them
//! (it sets `PHOTO_SPOTS_REQUIRE_POSTGRES`); elsewhere they are listed as
//! ignored, with the reason, rather than passing without having run.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(postgres_tests)");
    println!("cargo::rerun-if-env-changed=PHOTO_SPOTS_REQUIRE_POSTGRES");
    if std::env::var_os("PHOTO_SPOTS_REQUIRE_POSTGRES").is_some() {
        println!("cargo::rustc-cfg=postgres_tests");
    }
}
